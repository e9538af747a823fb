import { useState } from 'react';
import { describeError } from '../api/errors.js';

/**
 * One request a button starts: `busy` while it runs; `failure` (the error itself, for a screen that
 * explains a refusal by its code) and `message` (in words for the user) when it failed.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure(error ?? new Error('Failed'));
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, message: failure === undefined ? undefined : describeError(failure), run };
}
