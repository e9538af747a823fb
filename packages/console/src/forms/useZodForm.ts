import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { describeError } from '../api/errors.js';
import { fieldErrorsOf, serverFieldErrors, type FieldErrors } from './errors.js';

type Values = Record<string, string>;

export interface ZodForm<V extends Values> {
  values: V;
  errors: FieldErrors;
  formError: string | undefined;
  submitting: boolean;
  set: (name: keyof V & string, value: string) => void;
  reset: (values: V) => void;
  /** Props for a Mantine input: value, change handler and the error shown under it. */
  field: (name: keyof V & string) => { value: string; error: string | undefined; onChange: (event: { currentTarget: { value: string } }) => void };
  onSubmit: (event: FormEvent) => void;
}

/**
 * A form validated by a schema from @pms/contracts before it is sent; a 400's `details` from the
 * server land next to the same fields. `toInput` turns the text the inputs hold into the shape
 * the schema takes (empty optional fields become null or undefined, numbers become numbers).
 */
export function useZodForm<V extends Values, S extends z.ZodType>(options: {
  schema: S;
  initial: V;
  toInput?: (values: V) => unknown;
  submit: (input: z.output<S>) => Promise<unknown>;
}): ZodForm<V> {
  const [values, setValues] = useState(options.initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const set = (name: keyof V & string, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors(({ [name]: _cleared, ...rest }) => rest);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const parsed = options.schema.safeParse(options.toInput ? options.toInput(values) : values);
    if (!parsed.success) {
      setErrors(fieldErrorsOf(parsed.error));
      return;
    }
    setErrors({});
    setSubmitting(true);
    options
      .submit(parsed.data)
      .catch((error: unknown) => {
        const fields = serverFieldErrors(error);
        setErrors(fields);
        // A message for the whole form as well, unless every problem sits next to a visible field.
        if (Object.keys(fields).length === 0 || Object.keys(fields).some((field) => !(field in values))) setFormError(describeError(error));
      })
      .finally(() => setSubmitting(false));
  };

  return {
    values,
    errors,
    formError,
    submitting,
    set,
    reset: (next) => {
      setValues(next);
      setErrors({});
      setFormError(undefined);
    },
    field: (name) => ({ value: values[name] ?? '', error: errors[name], onChange: (event) => set(name, event.currentTarget.value) }),
    onSubmit,
  };
}

/** '' -> null, for optional nullable text fields. */
export const orNull = (value: string | undefined) => (value?.trim() ? value : null);
export const orUndefined = (value: string | undefined) => (value?.trim() ? value : undefined);
/** '' -> undefined (the schema's default or "required" applies), anything else a number (NaN fails the schema). */
export const orNumber = (value: string | undefined) => (value?.trim() ? Number(value) : undefined);
