// Verifies one Moosermail outbound webhook delivery with the official svix package (Standard Webhooks headers).
// Usage: node verify.mjs <whsec_secret> <webhook-id> <webhook-timestamp> <webhook-signature> <body-base64>
// Prints the verified payload's type; exits non-zero (svix throws) when the signature does not verify.
import { Webhook } from "svix";

const [secret, id, timestamp, signature, bodyBase64] = process.argv.slice(2);
const body = Buffer.from(bodyBase64, "base64").toString("utf8");
// Throws on a bad signature or timestamp; its return value differs between svix versions, so the body is parsed here.
new Webhook(secret).verify(body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature });
process.stdout.write(JSON.parse(body).type);
