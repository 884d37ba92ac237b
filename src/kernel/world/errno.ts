/**
 * The errno values the simulated kernel returns, with the strerror() text the
 * user-space tools print for them. Negative values travel inside the kernel,
 * exactly as in C.
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const EBADF = 9;
export const EAGAIN = 11;
export const EWOULDBLOCK = EAGAIN;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOSYS = 38;
export const EADDRINUSE = 98;
export const EOPNOTSUPP = 95;

const strerror: Record<number, string> = {
  [EPERM]: 'Operation not permitted',
  [ENOENT]: 'No such file or directory',
  [ESRCH]: 'No such process',
  [EINTR]: 'Interrupted system call',
  [EIO]: 'Input/output error',
  [E2BIG]: 'Argument list too long',
  [ENOEXEC]: 'Exec format error',
  [EBADF]: 'Bad file descriptor',
  [EAGAIN]: 'Resource temporarily unavailable',
  [ENOMEM]: 'Cannot allocate memory',
  [EACCES]: 'Permission denied',
  [EFAULT]: 'Bad address',
  [EBUSY]: 'Device or resource busy',
  [EEXIST]: 'File exists',
  [ENODEV]: 'No such device',
  [ENOTDIR]: 'Not a directory',
  [EISDIR]: 'Is a directory',
  [EINVAL]: 'Invalid argument',
  [ENOSPC]: 'No space left on device',
  [ERANGE]: 'Numerical result out of range',
  [ENOSYS]: 'Function not implemented',
  [EOPNOTSUPP]: 'Operation not supported',
  [EADDRINUSE]: 'Address already in use',
};

/** glibc's strerror() for a positive or negative errno. */
export function strError(errno: number): string {
  const e = Math.abs(errno);
  return strerror[e] ?? `Unknown error ${e}`;
}

/**
 * kmod's insmod maps a few errnos to its own words before falling back to
 * strerror() (libkmod: mod_strerror). EINVAL is why the selftests read
 * "Invalid parameters" rather than "Invalid argument".
 */
export function modStrError(errno: number): string {
  switch (Math.abs(errno)) {
    case ENOEXEC:
      return 'Invalid module format';
    case ENOENT:
      return 'Unknown symbol in module';
    case EINVAL:
      return 'Invalid parameters';
    default:
      return strError(errno);
  }
}
