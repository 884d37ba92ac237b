/** The page's address with this hash, on the clipboard: what "Copy link" buttons do. */
export async function copyLinkTo(hash: string): Promise<void> {
  // The page's own address before its hash: location.origin is 'null' for a page opened from a file.
  const url = `${location.href.split('#')[0]}${hash}`;
  try {
    await navigator.clipboard.writeText(url);
  } catch {
    // No clipboard (an insecure origin, a denied permission): show the address instead.
    prompt('Copy this link:', url);
  }
}
