import { get, post, del, team } from "../api";
import { h, field, input, select, form, table, button, secretOnce, section, when, problem } from "../dom";
import type { Me } from "../main";
import { confirmThen } from "./senders";

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

const expiries: [string, string][] = [["30d", "30 days"], ["7d", "7 days"], ["90d", "90 days"], ["6mo", "6 months"], ["1y", "1 year"], ["never", "never"]];

export async function apiKeysPage(main: HTMLElement, _params: URLSearchParams, me: Me) {
  const acting = me.teams.find((t) => t.id === (team.get() ?? me.acting_team_id));
  const created = h("div");
  const errors = h("div");
  const list = h("div");
  const refresh = async () => {
    const { api_keys } = await get<{ api_keys: ApiKey[] }>("api-keys");
    list.replaceChildren(
      table(
        ["Name", "Key", "Permissions", "Expires", "Last used", ""],
        api_keys.map((k) => [
          k.name,
          h("code", {}, `${k.prefix}…`),
          k.permissions.join(", "),
          when(k.expires_at),
          when(k.last_used_at),
          button(
            "Revoke",
            async () => {
              try {
                await confirmThen(`Revoke ${k.name}? Programs using it stop at once.`, () => del(`api-keys/${k.id}`));
                created.replaceChildren();
                await refresh();
              } catch (error) {
                errors.replaceChildren(problem(error));
              }
            },
            "danger",
            { "aria-label": `Revoke ${k.name}` },
          ),
        ]),
        "API keys",
      ),
    );
  };
  const permissions = h(
    "fieldset",
    {},
    h("legend", {}, "Permissions (none checked: all of yours)"),
    (acting?.permissions ?? []).map((p) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "permissions", value: p }), ` ${p}`)),
  );
  await refresh();
  main.append(
    h("h1", {}, "API keys"),
    h("p", {}, "mk_ keys let programs use this team's API. A key is shown once, when it is created."),
    created,
    errors,
    list,
    section(
      "Create an API key",
      form("Create an API key", [field("Name", input("name", { required: true })), field("Expires in", select("expires_in", expiries)), permissions], "Create key", async (data, element) => {
        const chosen = data.getAll("permissions").map(String);
        const key = await post<{ key: string; name: string }>("api-keys", {
          name: data.get("name"),
          expires_in: data.get("expires_in"),
          permissions: chosen.length ? chosen : undefined,
        });
        element.reset();
        created.replaceChildren(secretOnce(`API key ${key.name}`, key.key));
        await refresh();
      }),
    ),
  );
}
