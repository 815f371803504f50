import { get, post, query, api } from "../api";
import { h, field, input, select, form, table, when, problem, section } from "../dom";
import { go, type Me } from "../main";

const statuses = ["", "queued", "scheduled", "sending", "sent", "delivery_delayed", "delivered", "opened", "clicked", "bounced", "complained", "failed", "suppressed", "cancelled"];

interface Email {
  id: string;
  from: string;
  to: string[];
  subject: string;
  status: string;
  tags: string[];
  scheduled_at: string | null;
  last_error: string | null;
  opened_count: number;
  clicked_count: number;
  created_at: string;
  sent_at: string | null;
  cron_job_id: string | null;
  cron_name: string | null;
}

export const badge = (status: string) => h("span", { class: `badge status-${status}` }, status);

/** The send log: filters in the URL, cursor paging with a Newer/Older pair (the cursors seen are kept). */
export async function emailsPage(main: HTMLElement, params: URLSearchParams) {
  const filters = {
    status: params.get("status") ?? "",
    to: params.get("to") ?? "",
    tag: params.get("tag") ?? "",
    since: params.get("since") ?? "",
    until: params.get("until") ?? "",
  };
  const cursors = (params.get("cursors") ?? "").split(",").filter(Boolean);
  const cursor = cursors.at(-1);
  const filterForm = h(
    "form",
    { class: "filters", "aria-label": "Filter the send log" },
    field("Status", select("status", statuses.map((s) => [s, s || "any"]), filters.status)),
    field("To", input("to", { value: filters.to, type: "search" })),
    field("Tag", input("tag", { value: filters.tag, type: "search" })),
    field("Since", input("since", { type: "date", value: filters.since })),
    field("Until", input("until", { type: "date", value: filters.until })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Filter")),
  );
  filterForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(filterForm);
    const next = new URLSearchParams();
    for (const name of ["status", "to", "tag", "since", "until"]) if (data.get(name)) next.set(name, String(data.get(name)));
    go(`emails?${next}`);
  });

  const page = await get<{ data: Email[]; next_cursor: string | null }>(
    `emails${query({ ...filters, since: iso(filters.since), until: iso(filters.until), limit: 25, cursor })}`,
  );
  const link = (list: string[]) => {
    const next = new URLSearchParams(params);
    if (list.length) next.set("cursors", list.join(","));
    else next.delete("cursors");
    return `#/emails?${next}`;
  };
  main.append(
    h("div", { class: "heading" }, h("h1", {}, "Send log"), h("a", { href: "#/send", class: "button" }, "Send an email")),
    filterForm,
    table(
      ["Subject", "To", "Status", "Created"],
      page.data.map((e) => [h("a", { href: `#/emails/${e.id}` }, e.subject || "(no subject)"), e.to.join(", "), badge(e.status), when(e.created_at)]),
      "Emails",
    ),
    h(
      "nav",
      { class: "pager", "aria-label": "Pages" },
      cursors.length ? h("a", { href: link(cursors.slice(0, -1)) }, "← Newer") : null,
      page.next_cursor ? h("a", { href: link([...cursors, page.next_cursor]) }, "Older →") : null,
    ),
  );
}

const iso = (date: string) => (date ? new Date(`${date}T00:00:00`).toISOString() : undefined);

export async function emailPage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const { email, events } = await get<{ email: Email; events: { type: string; detail: string | null; occurred_at: string }[] }>(`emails/${id}`);
  const actions = h("div", { class: "actions" });
  if (email.status === "scheduled") {
    const cancel = h("button", { type: "button", class: "danger" }, "Cancel this email");
    cancel.addEventListener("click", async () => {
      try {
        await post(`emails/${id}/cancel`);
        go(`emails/${id}`);
      } catch (error) {
        actions.append(problem(error));
      }
    });
    actions.append(cancel);
  }
  main.append(
    h("p", {}, h("a", { href: "#/emails" }, "← Send log")),
    h("h1", {}, email.subject || "(no subject)"),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Status"),
      h("dd", { id: "email-status" }, badge(email.status)),
      h("dt", {}, "From"),
      h("dd", {}, email.from),
      h("dt", {}, "To"),
      h("dd", {}, email.to.join(", ")),
      h("dt", {}, "Created"),
      h("dd", {}, when(email.created_at)),
      h("dt", {}, "Sent"),
      h("dd", {}, when(email.sent_at)),
      email.scheduled_at ? [h("dt", {}, "Scheduled"), h("dd", {}, when(email.scheduled_at))] : null,
      h("dt", {}, "Opens / clicks"),
      h("dd", {}, `${email.opened_count} / ${email.clicked_count}`),
      email.tags.length ? [h("dt", {}, "Tags"), h("dd", {}, email.tags.join(", "))] : null,
      email.cron_job_id
        ? [h("dt", {}, "Sent by"), h("dd", { id: "email-sent-by" }, "cron job ", h("a", { href: `#/cron/${email.cron_job_id}` }, email.cron_name ?? "(deleted)"))]
        : null,
      email.last_error ? [h("dt", {}, "Error"), h("dd", {}, email.last_error)] : null,
    ),
    actions,
    section(
      "Timeline",
      events.length
        ? h("ol", { class: "timeline" }, events.map((e) => h("li", {}, h("time", { datetime: e.occurred_at }, when(e.occurred_at)), " ", badge(e.type.replace(/^email\./, "")), e.detail ? ` ${e.detail}` : null)))
        : h("p", { class: "empty" }, "No events yet. Delivery events arrive from Resend's webhooks (see Webhooks)."),
    ),
  );
}

export async function composePage(main: HTMLElement, _params: URLSearchParams, _me: Me) {
  const senders = await get<{ keys: { id: string; from_address: string; is_default: boolean }[] }>("keys");
  const templates = await get<{ templates: { id: string; name: string }[] }>("templates").catch(() => ({ templates: [] }));
  if (senders.keys.length === 0) {
    main.append(h("h1", {}, "Send an email"), h("p", {}, "Add a sender (a Resend key and a from address) first: ", h("a", { href: "#/senders" }, "Senders"), "."));
    return;
  }
  main.append(
    h("h1", {}, "Send an email"),
    form(
      "Send an email",
      [
        field("From", select("sender_id", senders.keys.map((s) => [s.id, `${s.from_address}${s.is_default ? " (default)" : ""}`]), senders.keys.find((s) => s.is_default)?.id)),
        field("To", input("to", { required: true }), "One address, or several separated by commas."),
        field("Template", select("template_id", [["", "none"], ...templates.templates.map((t): [string, string] => [t.id, t.name])])),
        field("Subject", input("subject")),
        field("Text", h("textarea", { name: "body", rows: 8 })),
        field("Variables (JSON, for a template)", h("textarea", { name: "variables", rows: 3, placeholder: '{"name": "Ada"}' })),
      ],
      "Send",
      async (data) => {
        const body: Record<string, unknown> = { to: data.get("to"), sender_id: data.get("sender_id") };
        if (data.get("template_id")) body.template_id = data.get("template_id");
        if (data.get("subject")) body.subject = data.get("subject");
        if (data.get("body")) body.body = data.get("body");
        if (data.get("variables")) body.variables = JSON.parse(String(data.get("variables")));
        const sent = await api<{ id: string }>("POST", "send", body);
        go(`emails/${sent.id}`);
      },
    ),
  );
}
