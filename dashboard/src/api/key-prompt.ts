/**
 * The API key, when the server wants one: kept in sessionStorage (it survives a reload, not the
 * closing of the tab), and asked for in a small dialog with one password field. However many
 * requests and sockets are refused at the same moment, the dialog shows once; every one of them
 * waits for the same answer.
 */
const STORAGE_KEY = 'northstar.apiKey';

export interface KeyPrompt {
  /** The key to send, or null when none has been given. */
  current(): string | null;
  /**
   * Shows the dialog (or joins the one showing) and resolves with the key typed. `reason` says
   * whether no key was sent, it was turned down (401/4401) or it lacks the scope (403/4403);
   * `sent` is the key that request or socket sent (null: none). When a different key has been
   * given since, that one has not been tried yet: it is the answer, and nothing is shown (the
   * refusal was in flight while the new key was typed).
   */
  ask(reason: 'missing' | 'refused' | 'forbidden', sent: string | null): Promise<string>;
}

function stored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be switched off; then the key lives as long as the page.
    return null;
  }
}

function store(key: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    /* kept in memory only */
  }
}

const MESSAGES = {
  missing: 'This server asks for an API key (one with the read scope).',
  refused: 'The server did not accept that key. Check it and try again.',
  forbidden: 'That key lacks the read scope the dashboard needs. Use a key with read (or admin).',
} as const;

function buildDialog(): { dialog: HTMLDialogElement; form: HTMLFormElement; input: HTMLInputElement; message: HTMLParagraphElement } {
  const dialog = document.createElement('dialog');
  dialog.className = 'key-dialog';
  dialog.setAttribute('aria-labelledby', 'key-dialog-title');
  const form = document.createElement('form');
  form.method = 'dialog';
  const title = document.createElement('h2');
  title.id = 'key-dialog-title';
  title.textContent = 'API key';
  const message = document.createElement('p');
  message.className = 'key-dialog-message';
  const label = document.createElement('label');
  label.textContent = 'Key';
  const input = document.createElement('input');
  input.type = 'password';
  input.name = 'key';
  input.required = true;
  input.autocomplete = 'current-password';
  input.spellcheck = false;
  input.dataset.testid = 'api-key-input';
  label.append(input);
  const hint = document.createElement('p');
  hint.className = 'key-dialog-hint';
  hint.textContent = 'Kept in this tab only (sessionStorage) and sent as Authorization: Bearer.';
  const submit = document.createElement('button');
  submit.type = 'submit';
  submit.textContent = 'Connect';
  form.append(title, message, label, hint, submit);
  dialog.append(form);
  return { dialog, form, input, message };
}

export function createKeyPrompt(): KeyPrompt {
  let key = stored();
  let pending: Promise<string> | null = null;

  return {
    current: () => key,
    ask(reason, sent) {
      if (key !== null && key !== sent) return Promise.resolve(key);
      if (pending) return pending;
      pending = new Promise<string>((resolve) => {
        const { dialog, form, input, message } = buildDialog();
        message.textContent = MESSAGES[reason];
        // Escape would close a modal dialog with nothing typed; the page cannot go on without a key.
        dialog.addEventListener('cancel', (event) => event.preventDefault());
        form.addEventListener('submit', (event) => {
          // Handled here, not by the form's own dialog submission (the dialog is removed at once).
          event.preventDefault();
          const typed = input.value.trim();
          if (typed === '') return;
          key = typed;
          store(typed);
          pending = null;
          dialog.close();
          dialog.remove();
          resolve(typed);
        });
        document.body.append(dialog);
        dialog.showModal();
        input.focus();
      });
      return pending;
    },
  };
}
