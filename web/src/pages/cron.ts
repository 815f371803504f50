import { get, post, put, del, query } from "../api";
import { h, field, input, select, table, button, section, when } from "../dom";
import { fieldForm, checkbox, acting, FieldError, text } from "../forms";
import { go } from "../main";
import { confirmThen } from "./senders";

interface CronJob {
  id: string;
  name: string;
  template_id: string;
  template_name: string | null;
  to: string[] | null;
  to_tag: string | null;
  variables: Record<string, unknown>;
  from: string | null;
  cron_expression: string;
  timezone: string;
  enabled: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  next_runs: { local: string; utc: string }[];
}

interface CronRun {
  slot: string;
  status: string;
  emails: { id: string; to: string[]; status: string }[];
  skipped_recipients: number;
  missed_slots: number;
  error: string | null;
  claimed_at: string;
  finished_at: string | null;
}

/** "2026-03-08T03:00:00-04:00" as written by the server: the zone's wall clock, without the browser's zone. */
const local = (iso: string) => iso.replace("T", " ").replace(/:00(\.0+)?(?=[+-]\d\d:\d\d$|Z$)/, "").replace(/Z$/, " +00:00").replace(/([+-]\d\d:\d\d)$/, " $1");
const utc = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";

function nextRuns(job: CronJob, count: number): HTMLElement | string {
  if (!job.enabled) return "paused";
  if (job.next_runs.length === 0) return "—";
  return h("ul", { class: "plain" }, job.next_runs.slice(0, count).map((run) => h("li", {}, h("span", {}, `${local(run.local)} (${job.timezone})`), h("br"), h("small", {}, utc(run.utc)))));
}

const recipients = (job: CronJob) => (job.to_tag ? `contacts tagged ${job.to_tag}` : (job.to ?? []).join(", "));

/** The fields create and edit share; every name is the API's, so a 400 field error lands beside its control. */
async function jobFields(job?: CronJob) {
  const [{ templates }, { keys }] = await Promise.all([
    get<{ templates: { id: string; name: string }[] }>("templates"),
    get<{ keys: { from_address: string; is_default: boolean }[] }>("keys"),
  ]);
  const zones = h("datalist", { id: "cron-zones" }, (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone").map((zone) => h("option", { value: zone })) ?? []);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return {
    templates,
    fields: [
      field("Name", input("name", { required: true, value: job?.name ?? "" })),
      field("Template", select("template_id", templates.map((t): [string, string] => [t.id, t.name]), job?.template_id)),
      field("Cron expression", input("cron_expression", { required: true, value: job?.cron_expression ?? "", placeholder: "0 9 * * MON-FRI", spellcheck: "false" }), "5 fields: minute hour day-of-month month day-of-week."),
      field("Time zone", input("timezone", { value: job?.timezone ?? browserZone, list: "cron-zones", spellcheck: "false" }), "An IANA zone, e.g. Europe/Berlin."),
      zones,
      field("To", input("to", { value: job?.to?.join(", ") ?? "" }), "Addresses separated by commas; or leave empty and use a tag."),
      field("To tag", input("to_tag", { value: job?.to_tag ?? "" }), "Sends to the team's subscribed contacts with this tag."),
      // A stored sender no longer among the team's stays selectable, so saving other fields does not change it.
      field("From", select("from", [["", "Default sender"], ...[...new Set([...keys.map((k) => k.from_address), ...(job?.from ? [job.from] : [])])].map((f): [string, string] => [f, f])], job?.from ?? "")),
      field("Variables (JSON)", h("textarea", { name: "variables", rows: 3, spellcheck: "false" }, job ? JSON.stringify(job.variables) : "{}")),
      checkbox("Enabled", "enabled", job?.enabled ?? true),
    ],
  };
}

function jobBody(data: FormData) {
  let variables: unknown;
  try {
    variables = JSON.parse(String(data.get("variables") || "{}"));
  } catch {
    throw new FieldError("variables", "This is not JSON: write an object such as {\"name\": \"Ada\"}.");
  }
  const to = text(data, "to");
  const toTag = text(data, "to_tag");
  return {
    name: data.get("name"),
    template_id: data.get("template_id"),
    cron_expression: data.get("cron_expression"),
    timezone: text(data, "timezone") ?? "UTC",
    // Neither given: send an empty "to" so the server names the field that is missing.
    to: to ?? (toTag ? undefined : ""),
    to_tag: toTag,
    from: String(data.get("from") ?? ""),
    variables,
    enabled: data.has("enabled"),
  };
}

/** Cron jobs: the list with each job's next runs in its zone and in UTC, create, pause/resume and delete. */
export async function cronPage(main: HTMLElement) {
  const errors = h("div");
  const list = h("div");
  const refresh = async () => {
    const { cron_jobs } = await get<{ cron_jobs: CronJob[] }>("cron");
    list.replaceChildren(
      table(
        ["Name", "Schedule", "Template", "Recipients", "Next runs", "Last run", ""],
        cron_jobs.map((job) => [
          h("a", { href: `#/cron/${job.id}` }, job.name),
          h("span", {}, h("code", {}, job.cron_expression), h("br"), h("small", {}, job.timezone)),
          job.template_name ?? h("span", { class: "warning-text" }, "template deleted"),
          recipients(job),
          nextRuns(job, 3),
          when(job.last_run_at),
          h(
            "div",
            { class: "row" },
            button(job.enabled ? "Disable" : "Enable", act(() => put(`cron/${job.id}`, { enabled: !job.enabled })), "secondary", { "aria-label": `${job.enabled ? "Disable" : "Enable"} ${job.name}` }),
            button("Delete", act(() => confirmThen(`Delete the cron job ${job.name} and its runs?`, () => del(`cron/${job.id}`))), "danger", { "aria-label": `Delete ${job.name}` }),
          ),
        ]),
        "Cron jobs",
      ),
    );
  };
  const act = acting(errors, refresh);
  const [{ templates, fields }] = await Promise.all([jobFields(), refresh()]);
  main.append(
    h("h1", {}, "Cron jobs"),
    h("p", {}, "A cron job sends one of the team's templates on a schedule, in a time zone."),
    errors,
    list,
    section(
      "New cron job",
      templates.length === 0
        ? h("p", {}, "Create a template first: ", h("a", { href: "#/templates" }, "Templates"), ".")
        : fieldForm("New cron job", fields, "Create cron job", async (data) => {
            const { cron_job } = await post<{ cron_job: CronJob }>("cron", { ...jobBody(data), from: text(data, "from") });
            go(`cron/${cron_job.id}`);
          }),
    ),
  );
}

/** One cron job: its next runs, an edit form (a PUT of every field) and its runs, newest slot first. */
export async function cronJobPage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const { cron_job: job } = await get<{ cron_job: CronJob }>(`cron/${id}`);
  const { fields } = await jobFields(job);
  const { runs } = await get<{ runs: CronRun[] }>(`cron/${id}/runs${query({ limit: 50 })}`);
  const saved = h("div", { role: "status", "aria-live": "polite" });
  main.append(
    h("p", {}, h("a", { href: "#/cron" }, "← Cron jobs")),
    h("h1", {}, job.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Schedule"),
      h("dd", {}, h("code", {}, job.cron_expression), ` in ${job.timezone}`),
      h("dt", {}, "Next runs"),
      h("dd", {}, nextRuns(job, 5)),
      h("dt", {}, "Last run"),
      h("dd", {}, when(job.last_run_at)),
    ),
    section(
      "Edit",
      fieldForm("Edit cron job", fields, "Save", async (data) => {
        await put(`cron/${id}`, jobBody(data));
        saved.replaceChildren(h("p", {}, "Saved."));
        go(`cron/${id}`);
      }),
      saved,
    ),
    section(
      "Runs",
      table(
        ["Slot", "Status", "Emails", "Skipped recipients", "Missed slots", "Error"],
        runs.map((run) => [
          h("span", {}, utc(run.slot)),
          h("span", { class: `badge status-${run.status}` }, run.status),
          run.emails.length ? h("ul", { class: "plain" }, run.emails.map((e) => h("li", {}, h("a", { href: `#/emails/${e.id}` }, e.to.join(", ")), ` ${e.status}`))) : "—",
          run.skipped_recipients,
          run.missed_slots,
          run.error ?? "",
        ]),
        "Runs",
      ),
    ),
  );
}
