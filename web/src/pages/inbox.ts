import { get, post, put, patch, del, query, download } from "../api";
import { h, field, input, form, table, when, problem, section, button, select } from "../dom";
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
  archived: boolean;
  labels: string[];
  attachment_count: number;
  received_at: string;
  content_state: string;
  text?: string | null;
  html?: string | null;
  attachments?: Attachment[];
}

interface Attachment {
  id: string;
  filename: string | null;
  content_type: string | null;
  size: number | null;
}

interface SentReply {
  email_id: string;
  in_reply_to_email_id: string;
  from: string;
  to: string[];
  subject: string;
  status: string;
  created_at: string;
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
  const label = params.get("label") ?? "";
  const archived = params.get("archived") ?? "false";
  const search = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Search the inbox" },
    field("Search", input("q", { type: "search", value: q }), "From, subject and text."),
    field("Show", select("archived", [["false", "Inbox"], ["true", "Archived"], ["", "All mail"]], archived)),
    field("Label", input("label", { value: label })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "unread", checked: unread }), " Unread only"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Search")),
  );
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(search);
    const next = new URLSearchParams();
    if (data.get("q")) next.set("q", String(data.get("q")));
    if (data.get("unread")) next.set("unread", "true");
    if (data.get("label")) next.set("label", String(data.get("label")));
    if (data.get("archived") !== "false") next.set("archived", String(data.get("archived")));
    go(`inbox?${next}`);
  });
  const page = await get<{ data: Received[]; next_cursor: string | null }>(
    `inbox${query({ q, unread: unread ? "true" : undefined, label, archived, cursor: params.get("cursor"), limit: 25 })}`,
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
        h(
          "span",
          {},
          h("a", { href: `#/inbox/${e.id}`, class: e.read ? undefined : "unread-subject" }, e.subject || "(no subject)"),
          (e.labels ?? []).flatMap((l) => [" ", h("span", { class: "badge label" }, l)]),
          e.archived ? [" ", h("span", { class: "badge" }, "archived")] : null,
          e.attachment_count ? [" ", h("span", { class: "badge" }, e.attachment_count === 1 ? "1 attachment" : `${e.attachment_count} attachments`)] : null,
        ),
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
  const changed = h("div", { role: "status", "aria-live": "polite" });
  const labels = h("div");
  let current = email;
  // Archive and labels are PATCHes of this email; the answer is the email as stored, shown at once.
  const change = async (update: { archived?: boolean; labels?: string[] }, said: string) => {
    changed.replaceChildren();
    try {
      current = { ...current, ...(await patch<{ email: Received }>(`inbox/${id}`, update)).email };
      showState();
      changed.replaceChildren(h("p", {}, said));
    } catch (error) {
      changed.replaceChildren(problem(error));
    }
  };
  const archive = button("", () => change({ archived: !current.archived }, current.archived ? "Moved back to the inbox." : "Archived."));
  const newLabel = input("label", { maxlength: 50, autocomplete: "off" });
  const addLabel = h("form", { class: "filters", "aria-label": "Add a label" }, field("New label", newLabel), h("button", { type: "submit", class: "secondary" }, "Add label"));
  addLabel.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = newLabel.value.trim();
    if (!value || current.labels.includes(value)) return;
    void change({ labels: [...current.labels, value] }, `Label “${value}” added.`).then(() => {
      if (current.labels.includes(value)) newLabel.value = "";
    });
  });
  const showState = () => {
    archive.textContent = current.archived ? "Move to inbox" : "Archive";
    labels.replaceChildren(
      current.labels.length === 0
        ? h("p", { class: "empty" }, "No labels.")
        : h(
            "ul",
            { class: "labels", "aria-label": "Labels" },
            current.labels.map((l) =>
              h("li", {}, h("span", { class: "badge label" }, l), " ", button("×", () => change({ labels: current.labels.filter((x) => x !== l) }, `Label “${l}” removed.`), "secondary small", { "aria-label": `Remove label ${l}` })),
            ),
          ),
    );
  };
  showState();
  const attachments = email.attachments ?? [];
  main.append(
    h("p", {}, h("a", { href: "#/inbox" }, "← Inbox")),
    h("h1", {}, email.subject || "(no subject)"),
    h("div", { class: "actions" }, archive, h("a", { href: `#/inbox/threads/${email.thread_id}` }, "View the thread")),
    changed,
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
    email.content_state === "pending" ? h("p", { class: "warning" }, "The content is still being fetched from Resend; reload in a moment.") : "",
    email.text ? h("pre", { class: "mail-text", "aria-label": "Text" }, email.text) : "",
    frame ?? "",
    attachments.length ? section("Attachments", h("ul", { class: "attachments" }, attachments.map((a) => h("li", {}, attachmentLink(id, a), ` ${a.content_type ?? ""}${a.size ? `, ${size(a.size)}` : ""}`)))) : "",
    section("Labels", labels, addLabel),
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

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`);

/**
 * A link to the API's attachment route. A plain link would act in the personal team (it cannot carry the
 * X-Moosermail-Team header), so a click fetches it with the header and hands the bytes to the browser as a download.
 */
function attachmentLink(emailId: string, attachment: Attachment): HTMLElement {
  const name = attachment.filename || "attachment";
  const path = `inbox/${emailId}/attachments/${encodeURIComponent(attachment.id)}`;
  const status = h("span", { role: "status", "aria-live": "polite" });
  const link = h("a", { href: `/api/${path}`, download: name }, name);
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    try {
      const url = URL.createObjectURL(await download(path));
      const save = h("a", { href: url, download: name, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  });
  return h("span", {}, link, status);
}

/** A thread, oldest first: the received emails and the replies sent from Moosermail, in the order they happened. */
export async function inboxThreadPage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const { thread } = await get<{ thread: { id: string; subject: string; emails: Received[]; replies: SentReply[] } }>(`inbox/threads/${id}`);
  const items = [
    ...thread.emails.map((e) => ({ at: e.received_at, node: h("li", { class: "received" }, h("strong", {}, e.from), ` · ${when(e.received_at)}`, h("br"), h("a", { href: `#/inbox/${e.id}` }, e.subject || "(no subject)"), e.snippet ? h("p", { class: "snippet" }, e.snippet) : null) })),
    ...thread.replies.map((r) => ({ at: r.created_at, node: h("li", { class: "sent" }, h("strong", {}, `Reply from ${r.from}`), ` to ${r.to.join(", ")} · ${when(r.created_at)} · `, h("span", { class: `badge status-${r.status}` }, r.status), h("br"), h("a", { href: `#/emails/${r.email_id}` }, r.subject)) })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  main.append(
    h("p", {}, h("a", { href: "#/inbox" }, "← Inbox")),
    h("h1", {}, thread.subject || "(no subject)"),
    h("p", {}, `${thread.emails.length} received, ${thread.replies.length} ${thread.replies.length === 1 ? "reply" : "replies"} sent.`),
    h("ol", { class: "thread", "aria-label": "Conversation" }, items.map((i) => i.node)),
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
    draft.reply_to_inbox_id ? h("p", {}, "A reply to ", h("a", { href: `#/inbox/${draft.reply_to_inbox_id}` }, "this email"), "; it is sent threaded.") : "",
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
