// A text field bound to a collaborative text of a DAO (text-binding.ts): what others write appears as the
// replica syncs, what you type goes to the host in bursts. Read-only for visitors.
import { Group, Text, Textarea, VisuallyHidden } from '@mantine/core';
import { useEffect, useImperativeHandle, useLayoutEffect, useMemo, useReducer, useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { TextName } from '../../../../core/dao/dao-doc.ts';
import { maxTextChars } from '../../../../core/dao/text-limits.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { useReplicaStore } from '../../../daos/replica-context.tsx';
import { TextBinding } from '../../../daos/text-binding.ts';

export interface CollaborativeTextareaProps {
  dao: string;
  name: TextName;
  editable: boolean;
  /** Its label; `hidden` where the card's title above already says what it is (a label only for screen readers). */
  label: { text: string; hidden?: boolean };
  description?: string;
  placeholder?: string;
  minRows?: number;
  /** Where the focus starts in a dialog. */
  autoFocusInDialog?: boolean;
  testId: string;
  /** The text as the field shows it, whenever it changes (for a caller that acts on it). */
  onValue?: (value: string) => void;
  ref?: Ref<CollaborativeTextHandle>;
}

/** What a caller may do to the text beyond typing. */
export interface CollaborativeTextHandle {
  /**
   * Empties the text as this field shows it, after whatever was typed in it, and resolves once the host holds
   * that; throws why the host refused. Text someone else wrote meanwhile and this field has not shown stays.
   */
  clear(): Promise<void>;
}

const saveStateText = { saved: 'texts.saved', saving: 'texts.saving', 'not-saved': 'texts.notSaved' } as const satisfies Record<TextBinding['saveState'], string>;

export function CollaborativeTextarea({ dao, name, editable, label, description, placeholder, minRows = 4, autoFocusInDialog, testId, onValue, ref }: CollaborativeTextareaProps) {
  const { t, i18n } = useTranslation();
  const bridge = useBridge();
  const store = useReplicaStore();
  useEffect(() => {
    store?.open(dao);
  }, [store, dao]);
  const replica = store?.peek(dao) ?? null;
  const count = (value: number): string => new Intl.NumberFormat(i18n.language).format(value);
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const field = useRef<HTMLTextAreaElement>(null);

  const binding = useMemo(
    () =>
      replica === null
        ? null
        : new TextBinding({
            read: () => replica.text(name),
            positionAt: (index) => replica.positionAt(name, index),
            send: async (ops) => {
              await bridge.call('dao.editText', { dao, text: name, ops });
              await replica.sync();
            },
            onUpdate: rerender,
          }),
    [replica, name, dao, bridge],
  );
  useEffect(() => () => binding?.dispose(), [binding]);
  useImperativeHandle(
    ref,
    () => ({
      async clear() {
        // Without a replica the field shows nothing, so there is nothing of its to clear.
        if (binding === null) return;
        binding.input('');
        await binding.settle();
        if (binding.error !== null) throw binding.error;
      },
    }),
    [binding],
  );

  // The replica moved (a sync brought something): take in others' edits, keeping the cursor in place.
  const version = replica?.version ?? -1;
  useEffect(() => {
    const element = field.current;
    const focused = element !== null && document.activeElement === element;
    binding?.replicaChanged(focused ? { start: element.selectionStart, end: element.selectionEnd } : null);
  }, [binding, version]);
  useLayoutEffect(() => {
    const selection = binding?.takeSelection();
    if (selection && field.current) field.current.setSelectionRange(selection.start, selection.end);
  });

  const value = binding?.value ?? '';
  useEffect(() => onValue?.(value), [onValue, value]);
  const pending = binding?.pending ?? false;
  const saveState = binding?.saveState ?? 'saved';

  return (
    <div>
      <Textarea
        ref={field}
        label={label.hidden ? <VisuallyHidden>{label.text}</VisuallyHidden> : label.text}
        description={description}
        placeholder={placeholder}
        value={value}
        onChange={(event) => binding?.input(event.currentTarget.value)}
        onBlur={() => void binding?.flush()}
        readOnly={!editable}
        autosize
        minRows={minRows}
        maxRows={18}
        error={value.length > maxTextChars ? t('texts.tooLong', { max: count(maxTextChars) }) : undefined}
        data-autofocus={autoFocusInDialog || undefined}
        data-testid={testId}
        data-pending={pending ? 'true' : 'false'}
      />
      <Group justify="space-between" mt={4}>
        <Text size="xs" c={editable && saveState === 'not-saved' ? 'red' : 'dimmed'} data-testid={`${testId}-state`} data-state={editable ? saveState : 'read-only'}>
          {editable ? t(saveStateText[saveState]) : t('texts.readOnly')}
        </Text>
        <Text size="xs" c={value.length > maxTextChars ? 'red' : 'dimmed'}>
          {t('texts.count', { length: count(value.length), max: count(maxTextChars) })}
        </Text>
      </Group>
      <FormError error={binding?.error ?? null} />
    </div>
  );
}
