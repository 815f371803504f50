// A minimal receiver for Moosermail's outbound webhooks: verifies each delivery with the official svix package
// (Standard Webhooks) and prints it. Usage: OUTBOUND_SECRET=whsec_... node tools/npm/outbound-receiver.mjs [port]
// Answers 204 when the signature verifies, 400 when it does not (Moosermail then retries on its schedule).
import { createServer } from "node:http";
import { Webhook } from "svix";

const port = Number(process.argv[2] ?? 8787);
const secrets = (process.env.OUTBOUND_SECRET ?? "").split(",").filter(Boolean);
if (secrets.length === 0) {
  console.error("set OUTBOUND_SECRET to the whsec_ secret POST /api/outbound-webhooks answered (comma-separate two during a rotation)");
  process.exit(2);
}

createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const verified = secrets.some((secret) => {
      try {
        new Webhook(secret).verify(body, request.headers);
        return true;
      } catch {
        return false;
      }
    });
    const event = verified ? JSON.parse(body) : null;
    console.log(verified ? `verified ${request.headers["webhook-id"]} ${event.type} ${JSON.stringify(event.data)}` : `REJECTED ${request.headers["webhook-id"]}: signature does not verify`);
    response.writeHead(verified ? 204 : 400).end();
  });
}).listen(port, "127.0.0.1", () => console.log(`outbound webhook receiver on http://127.0.0.1:${port}/hook`));
