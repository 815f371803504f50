import { get, del } from "../api";
import { h, table, button, when, problem } from "../dom";
import { go } from "../main";
import { confirmThen } from "./senders";

export async function suppressionsPage(main: HTMLElement) {
  const { data } = await get<{ data: { email: string; reason: string; created_at: string }[] }>("suppressions");
  const errors = h("div");
  main.append(
    h("h1", {}, "Suppressions"),
    h("p", {}, "Addresses that bounced for good or complained. Every send refuses them until you remove them here."),
    errors,
    table(
      ["Address", "Reason", "Since", ""],
      data.map((s) => [
        s.email,
        s.reason,
        when(s.created_at),
        button(
          "Remove",
          async () => {
            try {
              await confirmThen(`Allow sending to ${s.email} again?`, () => del(`suppressions/${encodeURIComponent(s.email)}`));
              go("suppressions");
            } catch (error) {
              errors.replaceChildren(problem(error));
            }
          },
          "danger",
          { "aria-label": `Remove ${s.email}` },
        ),
      ]),
      "Suppressions",
    ),
  );
}
