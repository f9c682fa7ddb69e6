// The recovery phrase as a numbered grid, easy to copy onto paper word by word.
import classes from './RecoveryPhraseGrid.module.css';

export function RecoveryPhraseGrid({ phrase }: { phrase: string }) {
  const words = phrase.trim().split(/\s+/);
  return (
    <ol className={classes.grid} data-testid="recovery-phrase" translate="no">
      {words.map((word, index) => (
        // The trailing space keeps the words apart in the list's text (copy, paste, screen readers).
        <li key={index} className={classes.word}>
          {word}{' '}
        </li>
      ))}
    </ol>
  );
}
