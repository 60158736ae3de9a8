/**
 * Loopback registries may be spoken to over plain HTTP without being listed as insecure, as dockerd
 * allows for 127.0.0.0/8. Accepts a registry as it appears in a reference: host with optional port.
 */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostOf(registry).toLowerCase();
  if (host === 'localhost') return true;
  if (host.startsWith('[') && host.endsWith(']')) return isIpv6Loopback(host.slice(1, -1));
  return isIpv4Loopback(host);
}

function hostOf(registry: string): string {
  if (registry.startsWith('[')) {
    const end = registry.indexOf(']');
    return end === -1 ? registry : registry.slice(0, end + 1);
  }
  const colon = registry.indexOf(':');
  return colon === -1 ? registry : registry.slice(0, colon);
}

function isIpv4Loopback(host: string): boolean {
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)?.slice(1);
  return octets?.every((o) => Number(o) <= 255) ?? false;
}

/** ::1 in any spelling: '::1', '0:0:0:0:0:0:0:1', '0000::0001'. */
function isIpv6Loopback(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = groupsOf(halves[1] ?? '');
  const elided = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (halves.length === 2 && elided < 1) return false;
  const groups = [...head, ...Array<string>(elided).fill('0'), ...tail];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return false;
  return groups.every((g, i) => Number.parseInt(g, 16) === (i === 7 ? 1 : 0));
}
