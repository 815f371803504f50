// The dashboard's only way to the server: same-origin fetch with the HttpOnly session cookie (the token in
// the login answer is ignored, so no script ever holds a credential) and the acting team in X-Moosermail-Team.

export class ApiError extends Error {
  constructor(
    public status: number,
    public detail: string,
    public correlationId: string | null,
    public errors: Record<string, string[]> = {},
  ) {
    super(detail);
  }
}

const teamKey = "moosermail.team";

export const team = {
  get: (): string | null => localStorage.getItem(teamKey),
  set: (id: string | null) => (id ? localStorage.setItem(teamKey, id) : localStorage.removeItem(teamKey)),
};

let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void) {
  onUnauthenticated = handler;
}

type Body = object | string | undefined;

export async function api<T = any>(method: string, path: string, body?: Body, contentType = "application/json"): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const acting = team.get();
  if (acting) headers["X-Moosermail-Team"] = acting;
  if (body !== undefined) headers["Content-Type"] = contentType;
  const response = await fetch(`/api/${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? safeJson(text) : null;
  if (!response.ok) {
    const problem = (json ?? {}) as { detail?: string; title?: string; correlation_id?: string; errors?: Record<string, string[]> };
    const error = new ApiError(
      response.status,
      problem.detail ?? problem.title ?? `HTTP ${response.status}`,
      problem.correlation_id ?? response.headers.get("X-Correlation-Id"),
      problem.errors ?? {},
    );
    if (response.status === 401 && !path.startsWith("auth/")) onUnauthenticated();
    throw error;
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}

/**
 * A file from the API (e.g. a received attachment) with the acting team's header, which a plain link cannot carry;
 * the page hands the bytes to the browser as a download. A refusal throws the same ApiError as api().
 */
export async function download(path: string): Promise<Blob> {
  const headers: Record<string, string> = {};
  const acting = team.get();
  if (acting) headers["X-Moosermail-Team"] = acting;
  const response = await fetch(`/api/${path}`, { headers, credentials: "same-origin" });
  if (!response.ok) {
    const text = await response.text();
    const problem = (text ? safeJson(text) : {}) as { detail?: string; title?: string; correlation_id?: string };
    if (response.status === 401) onUnauthenticated();
    throw new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`, problem.correlation_id ?? response.headers.get("X-Correlation-Id"));
  }
  return response.blob();
}

export const get = <T = any>(path: string) => api<T>("GET", path);
export const post = <T = any>(path: string, body?: Body) => api<T>("POST", path, body ?? {});
export const put = <T = any>(path: string, body: Body) => api<T>("PUT", path, body);
export const patch = <T = any>(path: string, body: Body) => api<T>("PATCH", path, body);
export const del = <T = any>(path: string, body?: Body) => api<T>("DELETE", path, body);

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
