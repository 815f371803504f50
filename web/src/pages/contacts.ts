import { get, post, del, api, query } from "../api";
import { h, field, input, form, table, button, section, problem } from "../dom";
import { go } from "../main";
import { confirmThen } from "./senders";

interface Contact {
  id: string;
  email: string;
  name: string | null;
  tags: string[];
  unsubscribed: boolean;
}

export async function contactsPage(main: HTMLElement, params: URLSearchParams) {
  const search = params.get("search") ?? "";
  const tag = params.get("tag") ?? "";
  const cursor = params.get("cursor") ?? "";
  const page = await get<{ contacts: Contact[]; next_cursor: string | null }>(`contacts${query({ search, tag, cursor, limit: 50 })}`);
  const errors = h("div");
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Search contacts" },
    field("Search", input("search", { type: "search", value: search })),
    field("Tag", input("tag", { value: tag })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Search")),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(filters);
    go(`contacts${query({ search: String(data.get("search") ?? ""), tag: String(data.get("tag") ?? "") })}`);
  });
  const importResult = h("div", { role: "status", "aria-live": "polite" });
  const file = h("input", { type: "file", name: "file", accept: ".csv,text/csv", required: true });
  main.append(
    h("h1", {}, "Contacts"),
    filters,
    errors,
    table(
      ["Email", "Name", "Tags", "Subscribed", ""],
      page.contacts.map((c) => [
        c.email,
        c.name ?? "",
        c.tags.map((t) => h("a", { href: `#/contacts?tag=${encodeURIComponent(t)}`, class: "tag" }, t)),
        c.unsubscribed ? "no" : "yes",
        button(
          "Delete",
          async () => {
            try {
              await confirmThen(`Delete ${c.email}?`, () => del(`contacts/${c.id}`));
              go(`contacts${query({ search, tag })}`);
            } catch (error) {
              errors.replaceChildren(problem(error));
            }
          },
          "danger",
          { "aria-label": `Delete ${c.email}` },
        ),
      ]),
      "Contacts",
    ),
    page.next_cursor ? h("nav", { class: "pager", "aria-label": "Pages" }, h("a", { href: `#/contacts${query({ search, tag, cursor: page.next_cursor })}` }, "More →")) : "",
    section(
      "Add a contact",
      form(
        "Add a contact",
        [field("Email", input("email", { type: "email", required: true })), field("Name", input("name")), field("Tags", input("tags"), "Comma-separated.")],
        "Add contact",
        async (data) => {
          const tags = String(data.get("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
          await post("contacts", { email: data.get("email"), name: data.get("name") || undefined, tags });
          go(`contacts?search=${encodeURIComponent(String(data.get("email")))}`);
        },
      ),
    ),
    section(
      "Import from CSV",
      h("p", {}, "A header row with email (required), name and tags (separated by ;). Existing contacts are updated; each bad row is reported and changes nothing."),
      form("Import contacts", [field("CSV file", file)], "Import", async () => {
        const csv = await file.files![0].text();
        const result = await api<{ imported: number; updated: number; errors: { row: number; email: string | null; message: string }[] }>("POST", "contacts/import", csv, "text/csv");
        importResult.replaceChildren(
          h("p", {}, `${result.imported} imported, ${result.updated} updated, ${result.errors.length} rows with errors.`),
          result.errors.length ? table(["Row", "Email", "Error"], result.errors.map((e) => [e.row, e.email ?? "", e.message]), "Rows with errors") : "",
        );
      }),
      importResult,
    ),
  );
}
