import { get, put, post, del } from "../api";
import { h, field, input, form, section, button, problem, when } from "../dom";
import { go } from "../main";
import { confirmThen } from "./senders";

interface WebhookSettings {
  url: string;
  signing_secret_set: boolean;
  events_received: number;
  last_event_at: string | null;
  warning: string | null;
}

export async function webhooksPage(main: HTMLElement) {
  const settings = await get<WebhookSettings>("webhooks/resend");
  const errors = h("div");
  const url = h("input", { readonly: true, value: settings.url, id: "webhook-url", class: "secret" });
  const copy = button("Copy URL", async () => {
    url.select();
    await navigator.clipboard?.writeText(settings.url).catch(() => undefined);
  });
  const act = (work: () => Promise<unknown>) => async () => {
    try {
      await work();
      go("webhooks");
    } catch (error) {
      errors.replaceChildren(problem(error));
    }
  };
  main.append(
    h("h1", {}, "Webhooks"),
    settings.warning ? h("p", { class: "warning", role: "note" }, settings.warning) : "",
    section(
      "1. Give Resend this URL",
      h("p", {}, "In Resend: Webhooks → Add endpoint. Choose the email.* events."),
      h("div", { class: "row" }, h("label", { for: "webhook-url", class: "visually-hidden" }, "Webhook URL"), url, copy),
      h("p", {}, `${settings.events_received} events received; last ${when(settings.last_event_at)}.`),
    ),
    section(
      "2. Paste Resend's signing secret",
      h("p", {}, settings.signing_secret_set ? "A signing secret is set: events are verified. It is never shown back." : "No signing secret yet: events are stored but change nothing."),
      form("Store the signing secret", [field("Signing secret", input("signing_secret", { type: "password", autocomplete: "off", required: true, placeholder: "whsec_..." }))], "Save secret", async (data) => {
        await put("webhooks/resend", { signing_secret: data.get("signing_secret") });
        go("webhooks");
      }),
      errors,
      h(
        "div",
        { class: "actions" },
        settings.signing_secret_set ? button("Remove secret", act(() => confirmThen("Remove the signing secret? Events will stop counting.", () => del("webhooks/resend"))), "danger") : null,
        button("New URL", act(() => confirmThen("Make a new URL? The old one stops at once; update it in Resend.", () => post("webhooks/resend/rotate"))), "danger"),
      ),
    ),
  );
}
