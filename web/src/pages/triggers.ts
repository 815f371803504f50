import { get, post, put, del } from "../api";
import { h, field, input, select, form, table, button, secretOnce, section, problem } from "../dom";
import { confirmThen } from "./senders";

interface Trigger {
  id: string;
  name: string;
  template_id: string;
  template_name: string;
  default_to: string | null;
  enabled: boolean;
  rate_limit_per_minute: number | null;
}

/** Triggers: the key is shown once (on create or rotate), with a curl and an HTML-form snippet that use it. */
export async function triggersPage(main: HTMLElement) {
  const { templates } = await get<{ templates: { id: string; name: string }[] }>("templates");
  const shown = h("div");
  const errors = h("div");
  const list = h("div");
  const showKey = (trigger: Trigger & { trigger_key: string }) => {
    const url = `${location.origin}/api/trigger`;
    const curl = `curl -X POST ${url} -H 'X-Trigger-Key: ${trigger.trigger_key}' -H 'Content-Type: application/json' -d '{"to":"someone@example.com","variables":{}}'`;
    const htmlForm = `<form method="post" action="${url}/${trigger.trigger_key}">\n  <input type="email" name="to" required>\n  <button>Send</button>\n</form>`;
    shown.replaceChildren(
      secretOnce(`Trigger key of ${trigger.name}`, trigger.trigger_key),
      h("h3", {}, "curl"),
      h("pre", { class: "snippet", tabindex: "0" }, curl),
      h("h3", {}, "HTML form"),
      h("pre", { class: "snippet", tabindex: "0" }, htmlForm),
    );
  };
  const act = (work: () => Promise<unknown>) => async () => {
    try {
      await work();
      await refresh();
    } catch (error) {
      errors.replaceChildren(problem(error));
    }
  };
  const refresh = async () => {
    const { triggers } = await get<{ triggers: Trigger[] }>("triggers");
    list.replaceChildren(
      table(
        ["Name", "Template", "Default to", "Enabled", ""],
        triggers.map((t) => [
          t.name,
          t.template_name,
          t.default_to ?? "—",
          t.enabled ? "yes" : "no",
          h(
            "div",
            { class: "row" },
            button(t.enabled ? "Disable" : "Enable", act(() => put(`triggers/${t.id}`, { enabled: !t.enabled })), "secondary", { "aria-label": `${t.enabled ? "Disable" : "Enable"} ${t.name}` }),
            button("Rotate key", act(async () => showKey((await post<{ trigger: Trigger & { trigger_key: string } }>(`triggers/${t.id}/rotate`)).trigger)), "secondary", { "aria-label": `Rotate the key of ${t.name}` }),
            button("Delete", act(() => confirmThen(`Delete ${t.name}?`, () => del(`triggers/${t.id}`))), "danger", { "aria-label": `Delete ${t.name}` }),
          ),
        ]),
        "Triggers",
      ),
    );
  };
  await refresh();
  main.append(
    h("h1", {}, "Triggers"),
    h("p", {}, "A trigger sends a template when its key is posted: from a form, a script or another service. The key is the only credential."),
    shown,
    errors,
    list,
    section(
      "New trigger",
      templates.length === 0
        ? h("p", {}, "Create a template first: ", h("a", { href: "#/templates" }, "Templates"), ".")
        : form(
            "New trigger",
            [
              field("Name", input("name", { required: true })),
              field("Template", select("template_id", templates.map((t): [string, string] => [t.id, t.name]))),
              field("Default recipient", input("default_to", { type: "email" }), "Used when a firing names no recipient."),
              field("Rate limit per minute", input("rate_limit_per_minute", { type: "number", min: 1 })),
            ],
            "Create trigger",
            async (data, element) => {
              const { trigger } = await post<{ trigger: Trigger & { trigger_key: string } }>("triggers", {
                name: data.get("name"),
                template_id: data.get("template_id"),
                default_to: data.get("default_to") || undefined,
                rate_limit_per_minute: data.get("rate_limit_per_minute") ? Number(data.get("rate_limit_per_minute")) : undefined,
              });
              element.reset();
              showKey(trigger);
              await refresh();
            },
          ),
    ),
  );
}
