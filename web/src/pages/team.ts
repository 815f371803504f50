import { get, post, patch, del, query, team } from "../api";
import { h, field, input, select, form, table, button, section, secretOnce, when, problem } from "../dom";
import { go, type Me } from "../main";
import { confirmThen } from "./senders";

interface Member {
  user_id: string;
  email: string;
  role: string;
  permissions: string[];
  joined_at: string;
}

const roles: [string, string][] = [["member", "member"], ["admin", "admin"], ["owner", "owner"]];

/**
 * Members, invitations and the audit log of the acting team, over the team routes (/api/teams/{teamId}/...).
 * A part the caller may not see (403) or that the server does not offer says so in place; the rest still works.
 */
export async function teamPage(main: HTMLElement, _params: URLSearchParams, me: Me) {
  const teamId = team.get() ?? me.acting_team_id;
  const acting = me.teams.find((t) => t.id === teamId);
  const errors = h("div");
  const act = (work: () => Promise<unknown>) => async () => {
    try {
      await work();
      go("team");
    } catch (error) {
      errors.replaceChildren(problem(error));
    }
  };
  main.append(h("h1", {}, `Team: ${acting?.name ?? ""}`), h("p", {}, `Your role: ${acting?.role ?? "?"}.`), errors);
  // Member emails by user id, so the audit log names the member an event concerns.
  const emails = new Map<string, string>();

  main.append(
    section(
      "Members",
      await part(async () => {
        const members = await get<Member[] | { members: Member[] }>(`teams/${teamId}/members`);
        const list = Array.isArray(members) ? members : members.members;
        for (const m of list) emails.set(m.user_id, m.email);
        return table(
          ["Email", "Role", "Joined", ""],
          list.map((m) => [
            m.email,
            m.user_id === me.id ? m.role : roleSelect(m, (role) => act(() => patch(`teams/${teamId}/members/${m.user_id}`, { role }))()),
            when(m.joined_at),
            button(
              m.user_id === me.id ? "Leave" : "Remove",
              act(() => confirmThen(m.user_id === me.id ? "Leave this team?" : `Remove ${m.email}? Their keys stop at once.`, () => del(`teams/${teamId}/members/${m.user_id}`))),
              "danger",
              { "aria-label": `${m.user_id === me.id ? "Leave" : "Remove"} ${m.email}` },
            ),
          ]),
          "Members",
        );
      }),
    ),
  );

  const invited = h("div");
  main.append(
    section(
      "Invitations",
      invited,
      await part(async () => {
        const pending = await get<{ id: string; email: string; role: string; expires_at: string }[] | { invitations: { id: string; email: string; role: string; expires_at: string }[] }>(
          `teams/${teamId}/invitations`,
        );
        const list = Array.isArray(pending) ? pending : pending.invitations;
        return table(
          ["Email", "Role", "Expires", ""],
          list.map((i) => [i.email, i.role, when(i.expires_at), button("Revoke", act(() => del(`teams/${teamId}/invitations/${i.id}`)), "danger", { "aria-label": `Revoke the invitation of ${i.email}` })]),
          "Pending invitations",
        );
      }),
      form("Invite a teammate", [field("Email", input("email", { type: "email", required: true })), field("Role", select("role", roles.slice(0, 2)))], "Invite", async (data, element) => {
        const invitation = await post<{ email: string; accept_url: string; token: string; emailed?: boolean }>(`teams/${teamId}/invitations`, { email: data.get("email"), role: data.get("role") });
        element.reset();
        invited.replaceChildren(
          h("p", {}, `Invitation for ${invitation.email} created; ${invitation.emailed ? "it was emailed to them too" : "operator mail is off, so share this link with them yourself"}.`),
          secretOnce("Accept link", invitation.accept_url || `${location.origin}/app/#/accept?token=${invitation.token}`),
        );
      }),
    ),
  );

  main.append(
    section(
      "New team",
      form("Create a team", [field("Team name", input("name", { required: true }))], "Create team", async (data) => {
        const created = await post<{ id?: string; team?: { id: string } }>("teams", { name: data.get("name") });
        const id = created.team?.id ?? created.id;
        if (id) team.set(id);
        go("team");
      }),
    ),
  );

  main.append(
    section(
      "Audit log",
      await part(async () => {
        const events = await get<{ data?: AuditEvent[]; events?: AuditEvent[] } | AuditEvent[]>(`teams/${teamId}/audit${query({ limit: 50 })}`);
        const list = Array.isArray(events) ? events : events.data ?? events.events ?? [];
        return table(["When", "Action", "Who", "Target"], list.map((e) => [when(e.occurred_at ?? e.created_at ?? null), e.action, e.actor_email ?? e.actor_user_id ?? "", auditTarget(e, emails)]), "Audit events");
      }),
    ),
  );
}

interface AuditEvent {
  action: string;
  actor_email?: string;
  actor_user_id?: string;
  subject_user_id?: string | null;
  target_type?: string | null;
  target_id?: string | null;
  occurred_at?: string;
  created_at?: string;
}

/** The member an event concerns (by email when they are still a member), else what it acted on: "api key 3774e4e0-...". */
function auditTarget(e: AuditEvent, emails: Map<string, string>): string {
  if (e.subject_user_id) return emails.get(e.subject_user_id) ?? e.subject_user_id;
  if (!e.target_type) return "";
  if (e.target_type === "member" && e.target_id && emails.has(e.target_id)) return emails.get(e.target_id)!;
  return `${e.target_type.replace(/_/g, " ")}${e.target_id ? ` ${e.target_id}` : ""}`;
}

function roleSelect(member: Member, change: (role: string) => void): HTMLElement {
  const element = select("role", roles, member.role);
  element.setAttribute("aria-label", `Role of ${member.email}`);
  element.addEventListener("change", () => change(element.value));
  return element;
}

async function part(render: () => Promise<HTMLElement>): Promise<HTMLElement> {
  try {
    return await render();
  } catch (error) {
    return problem(error);
  }
}
