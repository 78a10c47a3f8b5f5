// REST client for forum-api and notification-service (same origin; the session is the
// HttpOnly `forum_session` cookie, so no token is kept in JavaScript). Every request carries
// `X-Requested-With: forum`: the servers refuse cookie-authenticated writes without it (CSRF).

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Calls the API; resolves to the parsed JSON body (or null), rejects with ApiError. */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', 'X-Requested-With': 'forum' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection.');
  }
  return answer(res.status, res.ok, await res.text());
}

/** The parsed JSON body of an answer, or the ApiError its error body describes. */
function answer(status, ok, text) {
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!ok) {
    const e = json?.error ?? {};
    throw new ApiError(status, e.code ?? `http_${status}`,
      e.message ?? (typeof json?.message === 'string' ? json.message : `Request failed (${status})`), e.field);
  }
  return json;
}

/**
 * Uploads a file as the request body (POST, the server sniffs its type); onProgress(fraction)
 * follows the upload. XMLHttpRequest, because fetch() reports no upload progress.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Requested-With', 'forum');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress?.(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      try { resolve(answer(xhr.status, xhr.status >= 200 && xhr.status < 300, xhr.responseText)); } catch (err) { reject(err); }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network_error', 'The upload failed: the server cannot be reached, or it refused the file.')));
    xhr.send(file);
  });
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** Builds a query string, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
