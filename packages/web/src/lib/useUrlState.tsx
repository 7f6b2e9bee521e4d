import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** List state kept in the URL's search params (shareable links; back/forward work). */
export function useUrlState<T>(parse: (sp: URLSearchParams) => T, serialize: (v: T) => URLSearchParams): [T, (next: T) => void] {
  const [sp, setSp] = useSearchParams();
  const key = sp.toString();
  const value = useMemo(() => parse(new URLSearchParams(key)), [key]);
  const set = useCallback((next: T) => setSp(serialize(next)), [setSp, serialize]);
  return [value, set];
}
