import { get, post, put, del, query } from "../api";
import { h, field, input, select, table, button, section, when, secretOnce } from "../dom";
import { fieldForm, checkbox, acting } from "../forms";
import { go } from "../main";
import { confirmThen } from "./senders";

interface Pipe {
  id: string;
  name: string;
  action: string;
  match_from: string | null;
  match_subject: string | null;
  match_body: string | null;
  match_all: boolean;
  action_url: string | null;
  action_to: string | null;
  action_template_id: string | null;
  action_tag: string | null;
  strip_closers: boolean;
  enabled: boolean;
  created_at: string;
  signing_secret?: string;
}

interface PipeRun {
  id: string;
  received_email_id: string;
  status: string;
  attempts: number;
  detail: string | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  completed_at: string | null;
}

const actions: [string, string][] = [
  ["forward", "Forward to an address"],
  ["webhook", "Post to a webhook (signed)"],
  ["auto_reply", "Auto-reply with a template"],
  ["tag", "Tag (flag, pin or mark read)"],
  ["hide", "Hide from the inbox"],
];

/** Which action field each action needs; the others are hidden (and not sent). */
const actionField: Record<string, string | null> = { webhook: "action_url", forward: "action_to", auto_reply: "action_template_id", tag: "action_tag", hide: null };

function matches(p: Pipe): string {
  if (p.match_all) return "every email";
  return [p.match_from && `from contains “${p.match_from}”`, p.match_subject && `subject contains “${p.match_subject}”`, p.match_body && `text contains “${p.match_body}”`].filter(Boolean).join(" or ");
}

function doing(p: Pipe, templates: { id: string; name: string }[]): string {
  switch (p.action) {
    case "webhook": return `post to ${p.action_url}`;
    case "forward": return `forward to ${p.action_to}`;
    case "auto_reply": return `auto-reply with ${templates.find((t) => t.id === p.action_template_id)?.name ?? "a template"}`;
    case "tag": return `tag ${p.action_tag}`;
    default: return p.action;
  }
}

/** The create/edit fields, named as the API names them; the action's own field shows only for that action. */
function pipeFields(templates: { id: string; name: string }[], pipe?: Pipe) {
  const action = select("action", actions, pipe?.action ?? "forward");
  const holders: Record<string, HTMLElement> = {
    action_url: field("Webhook URL", input("action_url", { type: "url", value: pipe?.action_url ?? "", placeholder: "https://example.com/inbound" })),
    action_to: field("Forward to", input("action_to", { type: "email", value: pipe?.action_to ?? "" })),
    action_template_id: field("Auto-reply template", select("action_template_id", templates.map((t): [string, string] => [t.id, t.name]), pipe?.action_template_id ?? undefined)),
    action_tag: field("Tag", select("action_tag", [["flag", "flag"], ["pin", "pin"], ["read", "read"]], pipe?.action_tag ?? undefined)),
  };
  const showAction = () => {
    for (const [name, holder] of Object.entries(holders)) holder.hidden = actionField[action.value] !== name;
  };
  action.addEventListener("change", showAction);
  showAction();
  return [
    field("Name", input("name", { required: true, value: pipe?.name ?? "" })),
    h(
      "fieldset",
      {},
      h("legend", {}, "Match (any of these)"),
      field("From contains", input("match_from", { value: pipe?.match_from ?? "" })),
      field("Subject contains", input("match_subject", { value: pipe?.match_subject ?? "" })),
      field("Text contains", input("match_body", { value: pipe?.match_body ?? "" })),
      checkbox("Match every email", "match_all", pipe?.match_all ?? false),
    ),
    h("fieldset", {}, h("legend", {}, "Action"), field("Action", action), Object.values(holders), checkbox("Cut mobile and client footers (“Sent from my iPhone”)", "strip_closers", pipe?.strip_closers ?? false)),
    checkbox("Enabled", "enabled", pipe?.enabled ?? true),
  ];
}

/** The body of create and update: "" clears a condition on update; only the chosen action's field is sent. */
function pipeBody(data: FormData, editing: boolean) {
  const action = String(data.get("action"));
  const value = (name: string) => {
    const text = String(data.get(name) ?? "").trim();
    return text === "" && !editing ? undefined : text;
  };
  const body: Record<string, unknown> = {
    name: data.get("name"),
    action,
    match_from: value("match_from"),
    match_subject: value("match_subject"),
    match_body: value("match_body"),
    match_all: data.has("match_all"),
    strip_closers: data.has("strip_closers"),
    enabled: data.has("enabled"),
  };
  const own = actionField[action];
  if (own) body[own] = value(own);
  return body;
}

/** Pipes: rules on received mail, in the order they run; a webhook pipe's signing secret is shown once. */
export async function pipesPage(main: HTMLElement) {
  const { templates } = await get<{ templates: { id: string; name: string }[] }>("templates");
  const shown = h("div");
  const errors = h("div");
  const list = h("div");
  const refresh = async () => {
    const { pipes } = await get<{ pipes: Pipe[] }>("pipes");
    list.replaceChildren(
      table(
        ["Name", "Matches", "Does", "Enabled", ""],
        pipes.map((p) => [
          h("a", { href: `#/pipes/${p.id}` }, p.name),
          matches(p),
          doing(p, templates),
          p.enabled ? "yes" : "no",
          h(
            "div",
            { class: "row" },
            button(p.enabled ? "Disable" : "Enable", act(() => put(`pipes/${p.id}`, { enabled: !p.enabled })), "secondary", { "aria-label": `${p.enabled ? "Disable" : "Enable"} ${p.name}` }),
            button("Delete", act(() => confirmThen(`Delete the pipe ${p.name}?`, () => del(`pipes/${p.id}`))), "danger", { "aria-label": `Delete ${p.name}` }),
          ),
        ]),
        "Pipes",
      ),
    );
  };
  const act = acting(errors, refresh);
  await refresh();
  main.append(
    h("h1", {}, "Pipes"),
    h("p", {}, "A pipe watches the team's received mail and does one thing with each email it matches. Pipes run in this order."),
    shown,
    errors,
    list,
    section(
      "New pipe",
      fieldForm("New pipe", pipeFields(templates), "Create pipe", async (data, element) => {
        const { pipe } = await post<{ pipe: Pipe }>("pipes", pipeBody(data, false));
        element.reset();
        element.querySelector("select[name=action]")?.dispatchEvent(new Event("change"));
        if (pipe.signing_secret) shown.replaceChildren(secretOnce(`Signing secret of ${pipe.name}`, pipe.signing_secret), h("p", {}, "Verify each post's webhook-signature with it (Standard Webhooks)."));
        else shown.replaceChildren();
        await refresh();
      }),
    ),
  );
}

/** One pipe: edit (a partial PUT where "" clears a condition) and its runs, newest first. */
export async function pipePage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const [{ pipe }, { templates }, { runs }] = await Promise.all([
    get<{ pipe: Pipe }>(`pipes/${id}`),
    get<{ templates: { id: string; name: string }[] }>("templates"),
    get<{ runs: PipeRun[] }>(`pipes/${id}/runs${query({ limit: 50 })}`),
  ]);
  const saved = h("div", { role: "status", "aria-live": "polite" });
  main.append(
    h("p", {}, h("a", { href: "#/pipes" }, "← Pipes")),
    h("h1", {}, pipe.name),
    h("p", {}, `Matches ${matches(pipe) || "nothing yet"}; does: ${doing(pipe, templates)}.`),
    section(
      "Edit",
      fieldForm("Edit pipe", pipeFields(templates, pipe), "Save", async (data) => {
        await put(`pipes/${id}`, pipeBody(data, true));
        saved.replaceChildren(h("p", {}, "Saved."));
        go(`pipes/${id}`);
      }),
      saved,
    ),
    section(
      "Runs",
      table(
        ["Email", "Status", "Attempts", "Detail", "Last error", "Created", "Next attempt"],
        runs.map((run) => [
          h("a", { href: `#/inbox/${run.received_email_id}` }, "Received email"),
          h("span", { class: `badge run-${run.status}` }, run.status),
          run.attempts,
          run.detail ?? "",
          run.last_error ?? "",
          when(run.created_at),
          run.status === "pending" ? when(run.next_attempt_at) : "—",
        ]),
        "Runs",
      ),
    ),
  );
}
