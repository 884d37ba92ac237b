/** Saves a file the page made (an exported picture, a scenario) through the browser's download. */
export function saveFile(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  // The download has its own copy once it starts.
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
