import { get, post, put, patch, del, query } from "../api";
import { h, field, input, form, table, when, problem, section, button } from "../dom";
import { go } from "../main";

interface Received {
  id: string;
  thread_id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  snippet: string | null;
  read: boolean;
  received_at: string;
  content_state: string;
  text?: string | null;
  html?: string | null;
}

interface Draft {
  id: string;
  from: string | null;
  to: string[];
  cc: string[];
  subject: string;
  text: string | null;
  reply_to_inbox_id: string | null;
  updated_at: string;
}

/** The inbox: search and an unread filter in the URL, unread mail marked, cursor paging forward. */
export async function inboxPage(main: HTMLElement, params: URLSearchParams) {
  const q = params.get("q") ?? "";
  const unread = params.get("unread") === "true";
  const search = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Search the inbox" },
    field("Search", input("q", { type: "search", value: q }), "From, subject and text."),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "unread", checked: unread }), " Unread only"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Search")),
  );
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(search);
    const next = new URLSearchParams();
    if (data.get("q")) next.set("q", String(data.get("q")));
    if (data.get("unread")) next.set("unread", "true");
    go(`inbox?${next}`);
  });
  const page = await get<{ data: Received[]; next_cursor: string | null }>(
    `inbox${query({ q, unread: unread ? "true" : undefined, cursor: params.get("cursor"), limit: 25 })}`,
  );
  const older = new URLSearchParams(params);
  if (page.next_cursor) older.set("cursor", page.next_cursor);
  main.append(
    h("div", { class: "heading" }, h("h1", {}, "Inbox"), h("a", { href: "#/drafts", class: "button" }, "Drafts")),
    search,
    table(
      ["", "From", "Subject", "Received"],
      page.data.map((e) => [
        e.read ? "" : h("span", { class: "badge unread" }, "unread"),
        e.from,
        h("a", { href: `#/inbox/${e.id}`, class: e.read ? undefined : "unread-subject" }, e.subject || "(no subject)"),
        when(e.received_at),
      ]),
      "Emails",
    ),
    h("nav", { class: "pager", "aria-label": "Pages" }, page.next_cursor ? h("a", { href: `#/inbox?${older}` }, "Older →") : null),
  );
}

/**
 * One received email. Its text is shown as text; its HTML only inside a sandboxed iframe's srcdoc (no scripts,
 * a unique origin, and the page's CSP still applies), so nothing the sender wrote can run or reach the dashboard.
 * Opening it marks it read; the reply form sends through POST /inbox/{id}/reply or keeps a reply draft.
 */
export async function inboxEmailPage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const { email } = await get<{ email: Received }>(`inbox/${id}`);
  if (!email.read) await patch(`inbox/${id}`, { read: true }).catch(() => undefined);
  const body = h("textarea", { name: "body", rows: 6, required: true });
  const replyAll = h("input", { type: "checkbox", name: "reply_all" });
  const status = h("div", { role: "status", "aria-live": "polite" });
  const saveDraft = button("Save as draft", async () => {
    try {
      const { draft } = await post<{ draft: Draft }>("drafts", { reply_to_inbox_id: id, body: body.value });
      go(`drafts/${draft.id}`);
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  });
  const frame = email.html ? h("iframe", { title: "HTML version", sandbox: "", class: "preview" }) : null;
  if (frame) frame.srcdoc = email.html!;
  main.append(
    h("p", {}, h("a", { href: "#/inbox" }, "← Inbox")),
    h("h1", {}, email.subject || "(no subject)"),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "From"),
      h("dd", {}, email.from),
      h("dt", {}, "To"),
      h("dd", {}, email.to.join(", ")),
      email.cc.length ? [h("dt", {}, "Cc"), h("dd", {}, email.cc.join(", "))] : null,
      h("dt", {}, "Received"),
      h("dd", {}, when(email.received_at)),
    ),
    email.content_state === "pending" ? h("p", { class: "warning" }, "The content is still being fetched from Resend; reload in a moment.") : null,
    email.text ? h("pre", { class: "mail-text", "aria-label": "Text" }, email.text) : null,
    frame,
    section(
      "Reply",
      form(
        "Reply",
        [field("Your reply", body), h("label", { class: "check" }, replyAll, " Reply to all"), h("div", { class: "actions" }, saveDraft)],
        "Send reply",
        async () => {
          const sent = await post<{ id: string; status: string }>(`inbox/${id}/reply`, { body: body.value, reply_all: replyAll.checked });
          body.value = "";
          status.replaceChildren(h("p", {}, `Reply ${sent.status}. `, h("a", { href: `#/emails/${sent.id}` }, "See it in the send log")));
        },
      ),
      status,
    ),
  );
}

export async function draftsPage(main: HTMLElement) {
  const { drafts } = await get<{ drafts: Draft[] }>("drafts");
  main.append(
    h("h1", {}, "Drafts"),
    table(
      ["Subject", "To", "Changed"],
      drafts.map((d) => [h("a", { href: `#/drafts/${d.id}` }, d.subject || "(no subject)"), d.to.join(", "), when(d.updated_at)]),
      "Drafts",
    ),
    section(
      "New draft",
      form(
        "New draft",
        [field("To", input("to"), "One address, or several separated by commas."), field("Subject", input("subject")), field("Text", h("textarea", { name: "body", rows: 6 }))],
        "Save draft",
        async (data) => {
          const { draft } = await post<{ draft: Draft }>("drafts", { to: data.get("to"), subject: data.get("subject"), body: data.get("body") });
          go(`drafts/${draft.id}`);
        },
      ),
    ),
  );
}

/** Edit, send (once: the server marks it sent with the email) or delete a draft. */
export async function draftPage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const { draft } = await get<{ draft: Draft }>(`drafts/${id}`);
  const to = input("to", { value: draft.to.join(", ") });
  const cc = input("cc", { value: draft.cc.join(", ") });
  const subject = input("subject", { value: draft.subject });
  const text = h("textarea", { name: "body", rows: 8 }, draft.text ?? "");
  const status = h("div", { role: "status", "aria-live": "polite" });
  const values = () => ({ to: to.value, cc: cc.value, subject: subject.value, body: text.value });
  const send = button("Send", async () => {
    try {
      await put(`drafts/${id}`, values());
      const sent = await post<{ id: string }>(`drafts/${id}/send`);
      go(`emails/${sent.id}`);
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  }, "primary");
  const remove = button("Delete", async () => {
    try {
      await del(`drafts/${id}`);
      go("drafts");
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  }, "danger");
  main.append(
    h("p", {}, h("a", { href: "#/drafts" }, "← Drafts")),
    h("h1", {}, draft.subject || "Draft"),
    draft.reply_to_inbox_id ? h("p", {}, "A reply to ", h("a", { href: `#/inbox/${draft.reply_to_inbox_id}` }, "this email"), "; it is sent threaded.") : null,
    form(
      "Edit draft",
      [field("To", to), field("Cc", cc), field("Subject", subject), field("Text", text)],
      "Save",
      async () => {
        await put(`drafts/${id}`, values());
        status.replaceChildren(h("p", {}, "Saved."));
      },
    ),
    h("div", { class: "actions" }, send, remove),
    status,
  );
}
