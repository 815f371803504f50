// Prints the svix-signature header the official svix package produces for the given message.
// Usage: node sign.mjs <secret> <msg-id> <unix-seconds> <body-base64>
import { Webhook } from "svix";

const [secret, msgId, seconds, bodyBase64] = process.argv.slice(2);
const body = Buffer.from(bodyBase64, "base64").toString("utf8");
process.stdout.write(new Webhook(secret).sign(msgId, new Date(Number(seconds) * 1000), body));
