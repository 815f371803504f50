// A few DOM helpers instead of a framework: elements are built with createElement and text nodes only
// (never innerHTML), so nothing the API returns can become markup.
import { ApiError } from "./api";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let idCounter = 0;
export const uid = (prefix: string) => `${prefix}-${++idCounter}`;

/** A labelled control: every input gets a visible label tied to it. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= uid("f");
  const hintId = hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hint ? h("small", { id: hintId }, hint) : null);
}

export const input = (name: string, attrs: Attrs = {}) => h("input", { name, type: "text", ...attrs });

export function select(name: string, options: [string, string][], selected?: string): HTMLSelectElement {
  return h("select", { name }, options.map(([value, text]) => h("option", { value, selected: value === selected }, text)));
}

/** A form whose submit runs `action`, shows a problem's detail and correlation id, and disables itself meanwhile. */
export function form(label: string, children: Child[], submitText: string, action: (data: FormData, form: HTMLFormElement) => Promise<void>): HTMLFormElement {
  const status = h("div", { role: "status", "aria-live": "polite", class: "form-status" });
  const button = h("button", { type: "submit" }, submitText);
  const element = h("form", { "aria-label": label }, ...children, h("div", { class: "actions" }, button), status);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.replaceChildren();
    try {
      await action(new FormData(element), element);
    } catch (error) {
      status.replaceChildren(problem(error));
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

/** How an error is shown everywhere: the problem's detail, per-field errors, and the correlation id to quote. */
export function problem(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    const fields = Object.entries(error.errors).map(([name, messages]) => h("li", {}, `${name}: ${messages.join(" ")}`));
    return h(
      "div",
      { class: "problem", role: "alert" },
      h("strong", {}, error.detail),
      fields.length ? h("ul", {}, fields) : null,
      error.correlationId ? h("small", {}, `Correlation id: ${error.correlationId}`) : null,
    );
  }
  return h("div", { class: "problem", role: "alert" }, h("strong", {}, String(error)));
}

/** A secret shown once, with a copy button; the page says it will not be shown again. */
export function secretOnce(label: string, value: string): HTMLElement {
  const output = h("input", { readonly: true, value, class: "secret", "aria-label": label });
  const copied = h("span", { role: "status", "aria-live": "polite" });
  const copy = h("button", { type: "button", class: "secondary" }, "Copy");
  copy.addEventListener("click", async () => {
    output.select();
    try {
      await navigator.clipboard.writeText(value);
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "Press Ctrl+C to copy the selected text.";
    }
  });
  return h("div", { class: "once" }, h("p", {}, h("strong", {}, label), " — shown this once; copy it now."), h("div", { class: "row" }, output, copy, copied));
}

/** A cell may be a list of nodes (e.g. a contact's tag links). */
export function table(headers: string[], rows: (Child | Child[])[][], caption: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, `No ${caption.toLowerCase()} yet.`);
  return h(
    "table",
    {},
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))),
  );
}

export function button(text: string, onClick: () => void | Promise<void>, kind = "secondary", extra: Attrs = {}): HTMLButtonElement {
  const element = h("button", { type: "button", class: kind, ...extra }, text);
  element.addEventListener("click", () => void onClick());
  return element;
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", {}, h("h2", {}, title), ...children);
}

export const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : "—");
