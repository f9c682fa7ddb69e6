/** The app's version, shown by the UI and the CLI; kept equal to package.json's by a test. */
export const appVersion = '0.1.0';
