import { get, post, put, del } from "../api";
import { h, field, input, form, table, button, section, when, problem } from "../dom";
import { go } from "../main";
import { confirmThen } from "./senders";

interface Template {
  id: string;
  name: string;
  subject: string;
  body_html: string;
  body_text: string;
  variables: string[];
  updated_at: string;
}

export async function templatesPage(main: HTMLElement) {
  const { templates } = await get<{ templates: Template[] }>("templates");
  main.append(
    h("h1", {}, "Templates"),
    table(
      ["Name", "Subject", "Variables", "Updated"],
      templates.map((t) => [h("a", { href: `#/templates/${t.id}` }, t.name), t.subject, t.variables.join(", "), when(t.updated_at)]),
      "Templates",
    ),
    section(
      "New template",
      form(
        "New template",
        [
          field("Name", input("name", { required: true })),
          field("Subject", input("subject", { required: true, placeholder: "Welcome, {{name}}" })),
          field("HTML", h("textarea", { name: "body_html", rows: 6 }), "Handlebars: {{name}} is HTML-escaped."),
          field("Text", h("textarea", { name: "body_text", rows: 4 })),
        ],
        "Create template",
        async (data) => {
          const { template } = await post<{ template: Template }>("templates", {
            name: data.get("name"),
            subject: data.get("subject"),
            body_html: data.get("body_html"),
            body_text: data.get("body_text"),
          });
          go(`templates/${template.id}`);
        },
      ),
    ),
  );
}

/**
 * The editor: saving stores the template; the preview renders the saved template through POST
 * /templates/{id}/render with the sample variables (sends nothing) and shows the HTML in a sandboxed
 * iframe's srcdoc, so the email's markup can run no script and reach no parent page.
 */
export async function templatePage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const { template } = await get<{ template: Template }>(`templates/${id}`);
  const name = input("name", { required: true, value: template.name });
  const subject = input("subject", { required: true, value: template.subject });
  const html = h("textarea", { name: "body_html", rows: 12 }, template.body_html);
  const text = h("textarea", { name: "body_text", rows: 6 }, template.body_text);
  const variables = h("textarea", { name: "variables", rows: 3 }, JSON.stringify(Object.fromEntries(template.variables.map((v) => [v, `sample ${v}`])), null, 2));
  const previewSubject = h("p", { id: "preview-subject" });
  const frame = h("iframe", { title: "HTML preview", sandbox: "", class: "preview" });
  const previewText = h("pre", { id: "preview-text" });
  const missing = h("p", { role: "status", "aria-live": "polite" });
  const errors = h("div");

  const preview = async () => {
    errors.replaceChildren();
    try {
      const rendered = await post<{ subject: string; html: string; text: string; missing: string[] }>(`templates/${id}/render`, {
        variables: JSON.parse(variables.value || "{}"),
      });
      previewSubject.textContent = rendered.subject;
      frame.srcdoc = rendered.html;
      previewText.textContent = rendered.text;
      missing.textContent = rendered.missing.length ? `Missing variables: ${rendered.missing.join(", ")}` : "";
    } catch (error) {
      errors.replaceChildren(problem(error));
    }
  };
  let timer: number | undefined;
  const previewSoon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void preview(), 400);
  };
  variables.addEventListener("input", previewSoon);

  main.append(
    h("p", {}, h("a", { href: "#/templates" }, "← Templates")),
    h("h1", {}, template.name),
    h(
      "div",
      { class: "split" },
      form(
        "Edit template",
        [field("Name", name), field("Subject", subject), field("HTML", html), field("Text", text)],
        "Save",
        async () => {
          await put(`templates/${id}`, { name: name.value, subject: subject.value, body_html: html.value, body_text: text.value });
          await preview();
        },
      ),
      section("Preview", field("Sample variables (JSON)", variables), errors, missing, h("h3", {}, "Subject"), previewSubject, h("h3", {}, "HTML"), frame, h("h3", {}, "Text"), previewText),
    ),
    h(
      "div",
      { class: "actions" },
      button("Delete template", async () => {
        try {
          await confirmThen(`Delete ${template.name}?`, () => del(`templates/${id}`));
          go("templates");
        } catch (error) {
          errors.replaceChildren(problem(error));
        }
      }, "danger"),
    ),
  );
  await preview();
}
