import { get, post, put, del, query } from "../api";
import { h, field, input, table, button, secretOnce, section, when, select } from "../dom";
import { fieldForm, checkboxes, acting, FieldError, text } from "../forms";
import { confirmThen } from "./senders";

interface OutboundWebhook {
  id: string;
  url: string;
  events: string[];
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
}

interface Delivery {
  id: string;
  event_type: string;
  status: string;
  attempts: number;
  response_code: number | null;
  latency_ms: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  created_at: string;
}

function state(w: OutboundWebhook): string {
  if (!w.enabled) return w.disabled_reason ? `disabled: ${w.disabled_reason}` : "disabled";
  return w.failing_since ? `enabled, failing since ${when(w.failing_since)}` : "enabled";
}

/** Endpoints of the team's own app: the whsec_ secret is shown once (on create and on rotate), with a copy button. */
export async function outboundWebhooksPage(main: HTMLElement) {
  const { events } = await get<{ events: string[] }>("outbound-webhooks/events");
  const shown = h("div");
  const errors = h("div");
  const list = h("div");
  const refresh = async () => {
    const { webhooks } = await get<{ webhooks: OutboundWebhook[] }>("outbound-webhooks");
    list.replaceChildren(
      table(
        ["URL", "Events", "State", ""],
        webhooks.map((w) => [
          h("span", {}, w.url, w.description ? h("small", { class: "muted" }, h("br"), w.description) : null),
          w.events.join(", "),
          state(w),
          h(
            "div",
            { class: "row" },
            h("a", { href: `#/outbound-webhooks/${w.id}`, "aria-label": `Deliveries of ${w.url}` }, "Deliveries"),
            button(w.enabled ? "Disable" : "Enable", act(() => put(`outbound-webhooks/${w.id}`, { enabled: !w.enabled })), "secondary", { "aria-label": `${w.enabled ? "Disable" : "Enable"} ${w.url}` }),
            button("Rotate secret", act(async () => {
              const rotated = await confirmThen(`Make a new secret for ${w.url}? The old one keeps signing alongside it for 24 hours.`, () => post<{ webhook: OutboundWebhook; secret: string }>(`outbound-webhooks/${w.id}/rotate-secret`));
              if (rotated) showSecret(rotated.webhook, rotated.secret);
            }), "secondary", { "aria-label": `Rotate the secret of ${w.url}` }),
            button("Delete", act(() => confirmThen(`Delete the endpoint ${w.url} and its delivery log?`, () => del(`outbound-webhooks/${w.id}`))), "danger", { "aria-label": `Delete ${w.url}` }),
          ),
        ]),
        "Outbound webhooks",
      ),
    );
  };
  const act = acting(errors, refresh);
  const showSecret = (webhook: OutboundWebhook, secret: string) =>
    shown.replaceChildren(secretOnce(`Signing secret of ${webhook.url}`, secret), h("p", {}, "Verify each delivery's webhook-signature with it (Standard Webhooks; any svix library does)."));
  await refresh();
  main.append(
    h("h1", {}, "Outbound webhooks"),
    h("p", {}, "Moosermail posts the events you choose to your own app, signed per Standard Webhooks. Each endpoint has its own whsec_ secret, shown once."),
    shown,
    errors,
    list,
    section(
      "New endpoint",
      fieldForm(
        "New endpoint",
        [
          field("Endpoint URL", input("url", { type: "url", required: true, placeholder: "https://example.com/moosermail" })),
          field("Description", input("description")),
          checkboxes("Events", "events", events),
        ],
        "Add endpoint",
        async (data, element) => {
          const chosen = data.getAll("events").map(String);
          if (chosen.length === 0) throw new FieldError("events", "Choose at least one event.");
          const created = await post<{ webhook: OutboundWebhook; secret: string }>("outbound-webhooks", {
            url: data.get("url"),
            description: text(data, "description"),
            events: chosen,
          });
          element.reset();
          showSecret(created.webhook, created.secret);
          await refresh();
        },
      ),
    ),
  );
}

/** One endpoint's deliveries, newest first, filtered by status; a delivery can be retried (same webhook-id). */
export async function outboundDeliveriesPage(main: HTMLElement, params: URLSearchParams) {
  const id = params.get("id")!;
  const status = params.get("status") ?? "";
  const { webhooks } = await get<{ webhooks: OutboundWebhook[] }>("outbound-webhooks");
  const webhook = webhooks.find((w) => w.id === id);
  const errors = h("div");
  const note = h("p", { role: "status", "aria-live": "polite" });
  const list = h("div");
  const filter = h("form", { class: "filters", "aria-label": "Filter deliveries" }, field("Status", select("status", [["", "any"], ["pending", "pending"], ["succeeded", "succeeded"], ["failed", "failed"]], status)), h("div", { class: "actions" }, h("button", { type: "submit" }, "Filter")));
  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = String(new FormData(filter).get("status") ?? "");
    location.hash = `#/outbound-webhooks/${id}${chosen ? `?status=${chosen}` : ""}`;
  });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  const refresh = async () => {
    const page = await get<{ deliveries: Delivery[]; next_cursor?: string | null }>(`outbound-webhooks/${id}/deliveries${query({ status, cursor: params.get("cursor"), limit: 50 })}`);
    const older = new URLSearchParams(status ? { status } : {});
    if (page.next_cursor) older.set("cursor", page.next_cursor);
    pager.replaceChildren(
      params.get("cursor") ? h("a", { href: `#/outbound-webhooks/${id}${status ? `?status=${status}` : ""}` }, "← Newest") : "",
      page.next_cursor ? h("a", { href: `#/outbound-webhooks/${id}?${older}` }, "Older →") : "",
    );
    list.replaceChildren(
      table(
        ["Event", "Status", "Attempts", "Response", "Latency", "Last error", "Created", "Next attempt", ""],
        page.deliveries.map((d) => [
          d.event_type,
          h("span", { class: `badge delivery-${d.status}` }, d.status),
          d.attempts,
          d.response_code ?? "—",
          d.latency_ms === null ? "—" : `${d.latency_ms} ms`,
          d.last_error ?? "",
          when(d.created_at),
          d.status === "pending" ? when(d.next_attempt_at) : "—",
          d.status === "succeeded" ? "" : button("Retry", act(async () => {
            await post(`outbound-webhooks/${id}/deliveries/${d.id}/retry`);
            note.textContent = `Another attempt of the ${d.event_type} delivery is queued.`;
          }), "secondary", { "aria-label": `Retry ${d.event_type} delivery ${d.id}` }),
        ]),
        "Deliveries",
      ),
    );
  };
  const act = acting(errors, refresh);
  await refresh();
  main.append(
    h("p", {}, h("a", { href: "#/outbound-webhooks" }, "← Outbound webhooks")),
    h("h1", {}, "Deliveries"),
    h("p", {}, webhook ? `To ${webhook.url} (${state(webhook)}).` : "To this endpoint."),
    filter,
    note,
    errors,
    list,
    pager,
    button("Refresh", act(async () => { note.textContent = ""; })),
  );
}
