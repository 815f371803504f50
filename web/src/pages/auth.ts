import { post, get, team } from "../api";
import { h, field, input, form, section, problem } from "../dom";
import { go, type Me } from "../main";

export function loginPage(main: HTMLElement, params: URLSearchParams) {
  const next = params.get("next");
  main.append(
    h("h1", {}, "Log in"),
    form(
      "Log in",
      [field("Email", input("email", { type: "email", autocomplete: "username", required: true })), field("Password", input("password", { type: "password", autocomplete: "current-password", required: true }))],
      "Log in",
      async (data) => {
        await post("auth/login", { email: data.get("email"), password: data.get("password") });
        go(next && !next.startsWith("login") ? next : "emails");
      },
    ),
    h("p", {}, h("a", { href: "#/signup" }, "Create an account"), " · ", h("a", { href: "#/reset" }, "Forgot your password?")),
  );
}

export function signupPage(main: HTMLElement) {
  const done = h("div", { role: "status", "aria-live": "polite" });
  main.append(
    h("h1", {}, "Create an account"),
    form(
      "Create an account",
      [
        field("Email", input("email", { type: "email", autocomplete: "username", required: true })),
        field("Password", input("password", { type: "password", autocomplete: "new-password", required: true, minlength: 10 }), "At least 10 characters, at most 72 bytes."),
      ],
      "Sign up",
      async (data) => {
        await post("auth/signup", { email: data.get("email"), password: data.get("password") });
        done.replaceChildren(h("p", {}, "Account created. ", h("a", { href: "#/login" }, "Log in now"), "."));
      },
    ),
    done,
    h("p", {}, "Already have an account? ", h("a", { href: "#/login" }, "Log in")),
  );
}

/** Password reset (issue 12's routes): ask for a link by email, then set a new password with the token from it. */
export function resetPage(main: HTMLElement, params: URLSearchParams) {
  const token = params.get("token");
  const done = h("div", { role: "status", "aria-live": "polite" });
  if (token) {
    main.append(
      h("h1", {}, "Choose a new password"),
      form("Choose a new password", [field("New password", input("new_password", { type: "password", autocomplete: "new-password", required: true }))], "Set password", async (data) => {
        await post("auth/password-reset/confirm", { token, new_password: data.get("new_password") });
        done.replaceChildren(h("p", {}, "Password changed. ", h("a", { href: "#/login" }, "Log in"), "."));
      }),
      done,
    );
    return;
  }
  main.append(
    h("h1", {}, "Reset your password"),
    form("Reset your password", [field("Email", input("email", { type: "email", autocomplete: "username", required: true }))], "Email me a link", async (data) => {
      await post("auth/password-reset", { email: data.get("email") });
      done.replaceChildren(h("p", {}, "If that address has an account, a reset link is on its way."));
    }),
    done,
    h("p", {}, h("a", { href: "#/login" }, "Back to log in")),
  );
}

/** The link of the verification mail: the token (from the fragment, never sent in a URL) confirms the address. */
export async function verifyPage(main: HTMLElement, params: URLSearchParams) {
  main.append(h("h1", {}, "Confirm your email address"));
  try {
    await post("auth/verify", { token: params.get("token") ?? "" });
    main.append(h("p", { role: "status" }, "Your email address is verified. ", h("a", { href: "#/emails" }, "Continue to Moosermail"), "."));
  } catch (error) {
    main.append(problem(error), h("p", {}, "The link may have expired: ask for a new one on your Account page."));
  }
}

export function acceptInvitationPage(main: HTMLElement, params: URLSearchParams) {
  const done = h("div", { role: "status", "aria-live": "polite" });
  main.append(
    h("h1", {}, "Join a team"),
    form("Accept invitation", [field("Invitation token", input("token", { required: true, value: params.get("token") ?? "" }))], "Accept invitation", async (data) => {
      const joined = await post<{ id?: string; team?: { id: string } }>("invitations/accept", { token: data.get("token") });
      const teamId = joined.team?.id ?? joined.id;
      if (teamId) team.set(teamId);
      done.replaceChildren(h("p", {}, "You joined the team. ", h("a", { href: "#/team" }, "See its members"), "."));
    }),
    done,
  );
}

export async function accountPage(main: HTMLElement, _params: URLSearchParams, me: Me) {
  const fresh = await get<Me>("auth/me");
  const done = h("div", { role: "status", "aria-live": "polite" });
  main.append(
    h("h1", {}, "Account"),
    h("p", {}, `Signed in as ${me.email}; member of ${fresh.teams.length} team(s).`),
    section(
      "Change password",
      form(
        "Change password",
        [
          field("Current password", input("current_password", { type: "password", autocomplete: "current-password", required: true })),
          field("New password", input("new_password", { type: "password", autocomplete: "new-password", required: true })),
        ],
        "Change password",
        async (data, element) => {
          await post("auth/password", { current_password: data.get("current_password"), new_password: data.get("new_password") });
          element.reset();
          done.replaceChildren(h("p", {}, "Password changed; other sessions were signed out. Log in again."));
          go("login");
        },
      ),
      done,
    ),
  );
}
