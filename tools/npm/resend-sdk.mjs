// Drives the official resend SDK against RESEND_BASE_URL with RESEND_API_KEY (both read by the SDK
// itself): sends one email, then lists emails. Prints {sent, listed} as JSON for the test to check.
import { Resend } from "resend";

const resend = new Resend();
const sent = await resend.emails.send(
  { from: "SDK <sdk@example.com>", to: ["delivered@resend.dev"], subject: process.argv[2] ?? "from the node sdk", html: "<p>hi</p>" },
  { idempotencyKey: process.argv[3] },
);
const listed = await resend.emails.list({ limit: 10 });
process.stdout.write(JSON.stringify({ sent, listed }));
