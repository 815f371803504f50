import { get, post, put, del } from "../api";
import { h, field, input, form, table, button, section, when, problem } from "../dom";
import { go } from "../main";

interface Sender {
  id: string;
  name: string;
  hint: string;
  from_address: string;
  is_default: boolean;
  created_at: string;
}

/** Resend keys as senders. A key is sent once and never shown back: the list has the hint only. */
export async function sendersPage(main: HTMLElement) {
  const { keys } = await get<{ keys: Sender[] }>("keys");
  const errors = h("div");
  const act = (work: () => Promise<unknown>) => async () => {
    try {
      await work();
      go("senders");
    } catch (error) {
      errors.replaceChildren(problem(error));
    }
  };
  main.append(
    h("h1", {}, "Senders"),
    h("p", {}, "Each sender is a Resend API key and the address it sends from. Keys are stored encrypted and never shown again."),
    errors,
    table(
      ["Name", "From", "Key", "Added", ""],
      keys.map((s) => [
        s.name,
        s.from_address,
        h("code", {}, s.hint),
        when(s.created_at),
        h(
          "div",
          { class: "row" },
          s.is_default ? h("span", { class: "badge" }, "default") : button("Make default", act(() => put(`keys/${s.id}`, { is_default: true })), "secondary", { "aria-label": `Make ${s.name} the default` }),
          rotateForm(s, act),
          button("Delete", act(() => confirmThen(`Delete the sender ${s.name}?`, () => del(`keys/${s.id}`))), "danger", { "aria-label": `Delete ${s.name}` }),
        ),
      ]),
      "Senders",
    ),
    section(
      "Add a sender",
      form(
        "Add a sender",
        [
          field("Resend API key", input("api_key", { type: "password", autocomplete: "off", required: true, placeholder: "re_..." }), "Checked with Resend, then stored encrypted."),
          field("From address", input("from_address", { required: true, placeholder: "Team <hello@example.com>" })),
          field("Name", input("name")),
        ],
        "Add sender",
        async (data) => {
          await post("keys", { api_key: data.get("api_key"), from_address: data.get("from_address"), name: data.get("name") || undefined });
          go("senders");
        },
      ),
    ),
  );
}

function rotateForm(sender: Sender, act: (work: () => Promise<unknown>) => () => Promise<void>): HTMLElement {
  const details = h("details", {}, h("summary", {}, "Rotate key"));
  const key = input("api_key", { type: "password", autocomplete: "off", required: true, placeholder: "re_..." });
  const rotate = h("form", { "aria-label": `Rotate the key of ${sender.name}` }, field("New Resend API key", key), h("button", { type: "submit" }, "Rotate"));
  rotate.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(() => put(`keys/${sender.id}`, { api_key: key.value }))();
  });
  details.append(rotate);
  return details;
}

export async function confirmThen<T>(question: string, work: () => Promise<T>): Promise<T | undefined> {
  return window.confirm(question) ? work() : undefined;
}
