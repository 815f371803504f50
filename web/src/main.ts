import "./style.css";
import { get, post, team, whenUnauthenticated } from "./api";
import { h, problem } from "./dom";
import { loginPage, signupPage, resetPage, verifyPage, acceptInvitationPage, accountPage } from "./pages/auth";
import { emailsPage, emailPage, composePage } from "./pages/emails";
import { statsPage } from "./pages/stats";
import { sendersPage } from "./pages/senders";
import { apiKeysPage } from "./pages/apikeys";
import { templatesPage, templatePage } from "./pages/templates";
import { triggersPage } from "./pages/triggers";
import { contactsPage } from "./pages/contacts";
import { suppressionsPage } from "./pages/suppressions";
import { webhooksPage } from "./pages/webhooks";
import { teamPage } from "./pages/team";
import { inboxPage, inboxEmailPage, draftsPage, draftPage, inboxThreadPage } from "./pages/inbox";
import { outboundWebhooksPage, outboundDeliveriesPage } from "./pages/outbound";
import { cronPage, cronJobPage } from "./pages/cron";
import { pipesPage, pipePage } from "./pages/pipes";

export interface Me {
  id: string;
  email: string;
  teams: { id: string; name: string; role: string; personal: boolean; permissions: string[] }[];
  acting_team_id: string;
}

export type Page = (main: HTMLElement, params: URLSearchParams, me: Me) => Promise<void> | void;
type PublicPage = (main: HTMLElement, params: URLSearchParams) => Promise<void> | void;

const publicPages: Record<string, PublicPage> = {
  login: loginPage,
  signup: signupPage,
  reset: resetPage,
  verify: verifyPage,
};

const pages: [RegExp, string, Page][] = [
  [/^emails$/, "Send log", emailsPage],
  [/^emails\/(?<id>[0-9a-f-]{36})$/, "Email", emailPage],
  [/^send$/, "Send", composePage],
  [/^inbox$/, "Inbox", inboxPage],
  [/^inbox\/(?<id>[0-9a-f-]{36})$/, "Received email", inboxEmailPage],
  [/^drafts$/, "Drafts", draftsPage],
  [/^drafts\/(?<id>[0-9a-f-]{36})$/, "Draft", draftPage],
  [/^stats$/, "Stats", statsPage],
  [/^senders$/, "Senders", sendersPage],
  [/^api-keys$/, "API keys", apiKeysPage],
  [/^templates$/, "Templates", templatesPage],
  [/^templates\/(?<id>[0-9a-f-]{36})$/, "Template", templatePage],
  [/^triggers$/, "Triggers", triggersPage],
  [/^contacts$/, "Contacts", contactsPage],
  [/^suppressions$/, "Suppressions", suppressionsPage],
  [/^webhooks$/, "Webhooks", webhooksPage],
  [/^team$/, "Team", teamPage],
  [/^accept$/, "Join a team", acceptInvitationPage],
  [/^account$/, "Account", accountPage],
  [/^inbox\/threads\/(?<id>[0-9a-f-]{36})$/, "Thread", inboxThreadPage],
  [/^outbound-webhooks$/, "Outbound webhooks", outboundWebhooksPage],
  [/^outbound-webhooks\/(?<id>[0-9a-f-]{36})$/, "Deliveries", outboundDeliveriesPage],
  [/^cron$/, "Cron jobs", cronPage],
  [/^cron\/(?<id>[0-9a-f-]{36})$/, "Cron job", cronJobPage],
  [/^pipes$/, "Pipes", pipesPage],
  [/^pipes\/(?<id>[0-9a-f-]{36})$/, "Pipe", pipePage],
];

const nav: [string, string][] = [
  ["emails", "Send log"],
  ["send", "Send"],
  ["inbox", "Inbox"],
  ["drafts", "Drafts"],
  ["stats", "Stats"],
  ["templates", "Templates"],
  ["triggers", "Triggers"],
  ["contacts", "Contacts"],
  ["suppressions", "Suppressions"],
  ["senders", "Senders"],
  ["api-keys", "API keys"],
  ["webhooks", "Webhooks"],
  ["outbound-webhooks", "Outbound webhooks"],
  ["cron", "Cron jobs"],
  ["pipes", "Pipes"],
  ["team", "Team"],
  ["account", "Account"],
];

const root = document.getElementById("root")!;

// An invitation's link is /app/accept-invitation#token=...: turn it into the app's own route (the token stays
// in the fragment, which no request carries).
if (location.pathname.endsWith("/accept-invitation")) {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
  history.replaceState(null, "", `${location.pathname.replace(/accept-invitation$/, "")}#/accept?token=${encodeURIComponent(token)}`);
}
// The same for the password-reset and email-verification links of operator mail.
for (const [page, route] of [["reset-password", "reset"], ["verify-email", "verify"]]) {
  if (location.pathname.endsWith(`/${page}`)) {
    const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
    history.replaceState(null, "", `${location.pathname.slice(0, -page.length)}#/${route}?token=${encodeURIComponent(token)}`);
  }
}

export function go(route: string) {
  if (location.hash === `#/${route}`) void render();
  else location.hash = `#/${route}`;
}

const here = () => location.hash.replace(/^#\/?/, "");
whenUnauthenticated(() => go(`login?next=${encodeURIComponent(here())}`));

function currentRoute() {
  const [path, search] = location.hash.replace(/^#\/?/, "").split("?");
  return { path: path || "emails", params: new URLSearchParams(search ?? "") };
}

async function render() {
  const { path, params } = currentRoute();
  // Take the previous page's controls away at once, so nothing is typed into a page that is going away.
  document.getElementById("main")?.replaceChildren(h("p", { role: "status" }, "Loading…"));
  const main = h("main", { id: "main", tabindex: "-1" });
  if (publicPages[path]) {
    root.replaceChildren(h("div", { class: "public" }, h("header", { class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }), "Moosermail"), main));
    document.title = `Moosermail`;
    await publicPages[path](main, params);
    return;
  }

  let me: Me;
  try {
    me = await get<Me>("auth/me");
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401) {
      go(`login?next=${encodeURIComponent(here())}`);
    } else if ((status === 403 || status === 404) && team.get()) {
      // The remembered team is gone (removed, or the team deleted): fall back to the personal team.
      team.set(null);
      void render();
    } else {
      root.replaceChildren(problem(error));
    }
    return;
  }
  if (team.get() && !me.teams.some((t) => t.id === team.get())) team.set(null);

  const match = pages.map(([pattern, title, page]) => ({ m: pattern.exec(path), title, page })).find((p) => p.m);
  root.replaceChildren(layout(me, path, main));
  if (!match) {
    main.append(h("h1", {}, "Not found"), h("p", {}, "There is no such page."));
    return;
  }
  for (const [name, value] of Object.entries(match.m!.groups ?? {})) params.set(name, value);
  document.title = `${match.title} · Moosermail`;
  try {
    await match.page(main, params, me);
  } catch (error) {
    main.append(problem(error));
  }
  main.focus({ preventScroll: true });
}

function layout(me: Me, path: string, main: HTMLElement): HTMLElement {
  const acting = team.get() ?? me.acting_team_id;
  const switcher = h(
    "select",
    { id: "team-switcher", name: "team" },
    me.teams.map((t) => h("option", { value: t.id, selected: t.id === acting }, `${t.name} (${t.role})`)),
  );
  switcher.addEventListener("change", () => {
    team.set(switcher.value);
    void render();
  });
  const logout = h("button", { type: "button", class: "secondary" }, "Log out");
  logout.addEventListener("click", async () => {
    try {
      await post("auth/logout");
    } finally {
      team.set(null);
      go("login");
    }
  });
  const section = path.split("/")[0];
  return h(
    "div",
    { class: "shell" },
    h(
      "header",
      { class: "top" },
      h("a", { href: "#/emails", class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }), "Moosermail"),
      h("div", { class: "team" }, h("label", { for: "team-switcher" }, "Team"), switcher),
      h("span", { class: "who" }, me.email),
      logout,
    ),
    h(
      "nav",
      { "aria-label": "Sections" },
      h("ul", {}, nav.map(([route, text]) => h("li", {}, h("a", { href: `#/${route}`, "aria-current": route === section ? "page" : undefined }, text)))),
    ),
    main,
  );
}

window.addEventListener("hashchange", () => void render());
void render();
