/** A bounded map that forgets its least recently used entry past `size`. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`an LRU cache needs a positive integer size, received ${size}`);
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      // Re-inserted: Map keeps insertion order, so the first key is the least recently used.
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }

  get length(): number {
    return this.map.size;
  }
}
