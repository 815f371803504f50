// Helpers the automation pages (outbound webhooks, cron jobs, pipes) share: a form that puts each 400 field error
// beside its field, checkbox groups, and a small "act then refresh" wrapper. Kept apart from dom.ts so the shared
// helpers stay as they are.
import { ApiError } from "./api";
import { h, form, problem } from "./dom";

type Child = Node | string | number | null | undefined | false;

/**
 * A form (dom.form) whose per-field errors are shown beside their control, found by its name, with aria-invalid and
 * aria-describedby; errors naming no control stay in the form's problem box with the detail and correlation id.
 */
export function fieldForm(label: string, children: (Child | Child[])[], submitText: string, action: (data: FormData, form: HTMLFormElement) => Promise<void>): HTMLFormElement {
  const element: HTMLFormElement = form(label, children.flat(), submitText, async (data, target) => {
    clearFieldErrors(target);
    try {
      await action(data, target);
    } catch (error) {
      throw error instanceof ApiError ? placeFieldErrors(target, error) : error;
    }
  });
  return element;
}

/** Shows a field error found before any request (e.g. JSON that does not parse) the same way the server's are. */
export class FieldError extends ApiError {
  constructor(name: string, message: string) {
    super(400, "Check the highlighted field.", null, { [name]: [message] });
  }
}

function clearFieldErrors(target: HTMLFormElement) {
  for (const old of target.querySelectorAll(".field-error")) old.remove();
  for (const control of target.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const describedBy = (control.getAttribute("data-described-by") ?? "").trim();
    if (describedBy) control.setAttribute("aria-describedby", describedBy);
    else control.removeAttribute("aria-describedby");
  }
}

/** Puts each field's messages beside its control; returns the error with only the fields that found none. */
function placeFieldErrors(target: HTMLFormElement, error: ApiError): ApiError {
  const left: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(error.errors)) {
    const control = target.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    const holder = control?.closest<HTMLElement>(".field, fieldset");
    if (!control || !holder) {
      left[name] = messages;
      continue;
    }
    control.id ||= `${name}-${Math.random().toString(36).slice(2, 8)}`;
    const id = `${control.id}-error`;
    holder.append(h("small", { class: "field-error", id }, messages.join(" ")));
    const describedBy = control.getAttribute("aria-describedby") ?? "";
    control.setAttribute("data-described-by", describedBy);
    control.setAttribute("aria-describedby", `${describedBy} ${id}`.trim());
    control.setAttribute("aria-invalid", "true");
  }
  // Keyboard users land on the first field to fix, in the form's order.
  target.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  return new ApiError(error.status, error.detail, error.correlationId, left);
}

/** A fieldset of checkboxes with one name: the checked values come back with FormData.getAll(name). */
export function checkboxes(legend: string, name: string, options: string[], checked: string[] = []): HTMLFieldSetElement {
  return h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, legend),
    options.map((value) => h("label", { class: "check" }, h("input", { type: "checkbox", name, value, checked: checked.includes(value) }), ` ${value}`)),
  );
}

/** A labelled checkbox whose state is read with FormData.has(name). */
export function checkbox(label: string, name: string, checked = false): HTMLElement {
  return h("div", { class: "field" }, h("label", { class: "check" }, h("input", { type: "checkbox", name, value: "true", checked }), ` ${label}`));
}

/** Runs a write, then `after`; a refusal shows its problem (detail and correlation id) in `errors`. */
export function acting(errors: HTMLElement, after: () => Promise<void> | void) {
  return (work: () => Promise<unknown>) => async () => {
    errors.replaceChildren();
    try {
      await work();
      await after();
    } catch (error) {
      errors.replaceChildren(problem(error));
    }
  };
}

/** A text field's value, or undefined when empty (so a partial update leaves it alone). */
export const text = (data: FormData, name: string): string | undefined => {
  const value = String(data.get(name) ?? "").trim();
  return value === "" ? undefined : value;
};
