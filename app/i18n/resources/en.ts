// English, the reference language: every other language must have exactly these keys (checked by its type).
export const en = {
  app: {
    name: 'DAOmesh',
  },
  languages: {
    en: 'English',
    'zh-Hant': '繁體中文',
  },
  common: {
    back: 'Back',
    cancel: 'Cancel',
    copy: 'Copy',
    copied: 'Copied',
    language: 'Language',
    retry: 'Try again',
  },
  connection: {
    connecting: 'Connecting to your DAOmesh node…',
    reconnecting: 'Lost the connection to your node. Reconnecting…',
    missingTitle: 'Open DAOmesh from your node’s link',
    missingBody:
      'This page can only control your node when it is opened from the private link the node printed when it started. That link carries a secret which keeps other pages and programs out.',
    refusedTitle: 'The node did not accept this page',
    refusedBody:
      'The link this page was opened with does not match the node now running at this address, for example because another node took its place. Open the link the node printed when it started.',
    howTo: 'Start the node with this command, then open the link it prints (it starts with http://127.0.0.1):',
  },
  welcome: {
    title: 'Welcome to DAOmesh',
    intro:
      'DAOmesh lets small groups run their own DAOs — proposals, votes, bounties and payouts — directly between members’ computers, with no server in between. Your identity key stays on this device, and members on the same network find each other and sync on their own.',
    choose: 'To begin, create a new identity or bring back one you already have.',
    create: 'Create a new identity',
    createDescription: 'Makes a new member key on this device, protected by a passphrase.',
    restore: 'Restore from recovery phrase',
    restoreDescription: 'Use the 12 or 24 words you wrote down to bring back an existing identity.',
  },
  passphrase: {
    label: 'Passphrase',
    newDescription: 'Protects your key on this device. At least 8 characters.',
    confirmLabel: 'Confirm passphrase',
    required: 'Enter your passphrase.',
    tooShort: 'Use at least 8 characters.',
    tooLong: 'Use at most 1024 characters.',
    mismatch: 'The two passphrases do not match.',
  },
  create: {
    title: 'Create a new identity',
    description: 'Choose a passphrase. You will need it each time you unlock DAOmesh on this device.',
    submit: 'Create identity',
  },
  restore: {
    title: 'Restore from recovery phrase',
    description: 'Enter your recovery phrase, then choose a passphrase for this device.',
    phraseLabel: 'Recovery phrase',
    phraseDescription: 'The 12 or 24 words, in order, separated by spaces.',
    phraseRequired: 'Enter your recovery phrase.',
    submit: 'Restore identity',
  },
  backup: {
    title: 'Write down your recovery phrase',
    intro: 'These words are the only way to restore your identity if this device is lost or its passphrase is forgotten.',
    warningTitle: 'Keep it secret, keep it safe',
    warning:
      'Write the words on paper, in this order, and store them somewhere safe. Anyone who has them can act as you, and nobody can recover them for you.',
    confirm: 'I have written down my recovery phrase',
    continue: 'Continue',
    address: 'Your member address',
  },
  unlock: {
    title: 'Unlock DAOmesh',
    description: 'Enter your passphrase to unlock your identity on this device.',
    address: 'Member address',
    submit: 'Unlock',
  },
  nav: {
    home: 'Home',
    settings: 'Settings',
    toggle: 'Show or hide navigation',
  },
  home: {
    title: 'Your node',
    subtitle: 'Updates live as peers come and go.',
    identity: 'Identity',
    address: 'Member address',
    peerId: 'Peer ID',
    version: 'Version {{version}}',
    network: 'Network',
    listen: 'Listening addresses',
    listenDescription: 'Where other peers can reach this node.',
    listenEmpty: 'This node is not listening on any address yet.',
    peers: 'Connected peers',
    peersEmptyTitle: 'No peers yet',
    peersEmptyBody:
      'Peers on the same network are found automatically, so other members’ nodes will appear here as soon as they are running.',
    peerIdColumn: 'Peer ID',
    addressesColumn: 'Addresses',
    mdns: 'Local network discovery (mDNS)',
    mdnsOn: 'On',
    mdnsOff: 'Off',
    mdnsOnHint: 'Peers on your local network are found automatically.',
    mdnsOffHint: 'Peers on your local network are not looked for automatically.',
    loadFailed: 'Could not load the node’s status.',
  },
  settings: {
    title: 'Settings',
    language: {
      title: 'Language',
      description: 'The language DAOmesh uses on this device. The change applies right away.',
      system: 'System default',
    },
    backup: {
      title: 'Recovery phrase',
      description: 'Show the words that restore your identity. DAOmesh asks for your passphrase first.',
      show: 'Show recovery phrase',
      passphraseDescription: 'Enter your passphrase to reveal the recovery phrase.',
      reveal: 'Show',
      done: 'Done',
    },
    lock: {
      title: 'Lock',
      description: 'Lock your identity when you step away. Your passphrase is needed to unlock it again.',
      button: 'Lock now',
    },
  },
  errors: {
    unknown: 'Something went wrong: {{message}}',
    BAD_REQUEST: 'The node could not accept this request: {{message}}',
    UNAUTHORIZED: 'This page is not allowed to control the node. Open the link the node printed when it started.',
    UNKNOWN_METHOD: 'The node does not know this action. Make sure the app and the node are the same version.',
    INTERNAL: 'Something went wrong in the node: {{message}}',
    NO_IDENTITY: 'There is no identity on this device yet. Create or restore one first.',
    IDENTITY_EXISTS: 'This device already has an identity.',
    IDENTITY_LOCKED: 'Your identity is locked. Unlock it with your passphrase first.',
    WRONG_PASSPHRASE: 'That passphrase is not correct. Please try again.',
    WEAK_PASSPHRASE: 'That passphrase is too weak. Use at least 8 characters.',
    INVALID_PHRASE:
      'That recovery phrase is not valid. Check that every word is spelled correctly and that they are in the right order.',
    CORRUPT_KEYSTORE:
      'The key file on this device is damaged and cannot be read. You can restore your identity from its recovery phrase.',
    DATA_DIR_IN_USE: 'Another DAOmesh node is already using this data folder. Close it first.',
    NODE_NOT_RUNNING: 'Cannot reach the DAOmesh node. Check that it is still running, then try again.',
    INVALID_MULTIADDR: 'That network address is not valid.',
  },
};

export type Messages = typeof en;
