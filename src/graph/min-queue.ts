// A queue that always yields its smallest id: Kahn's algorithm with ties broken by id. Pure.
// Binary insertion keeps it sorted; the graphs here have tens of nodes, not thousands.
export class MinQueue {
  private readonly items: number[] = [];

  push(id: number): void {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle]! < id) low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, id);
  }

  pop(): number | undefined {
    return this.items.shift();
  }
}
