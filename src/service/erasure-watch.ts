/**
 * Work done on a user's behalf that takes long (an upload streams the file, then ffmpeg probes it and makes a
 * thumbnail) holds a ticket; an erasure of that user marks every ticket held, and the work, before it stores
 * anything, finds its ticket marked and stops. Without this an upload answered 201 after the erasure of its creator
 * had answered, and its video stayed live with its files on disk. Nothing is kept about a user once their tickets
 * are released: an erased id is not remembered here.
 */
export interface ErasureTicket {
  readonly user: string;
  /** Set when the user was erased while the ticket was held. */
  erased: boolean;
  release(): void;
}

export class ErasureWatch {
  private readonly held = new Map<string, Set<ErasureTicket>>();

  /** A ticket for work on behalf of `user`; release it when the work is done, stored or refused. */
  watch(user: string): ErasureTicket {
    const tickets = this.held.get(user) ?? new Set<ErasureTicket>();
    this.held.set(user, tickets);
    const ticket: ErasureTicket = {
      user,
      erased: false,
      release: () => {
        tickets.delete(ticket);
        if (tickets.size === 0 && this.held.get(user) === tickets) this.held.delete(user);
      },
    };
    tickets.add(ticket);
    return ticket;
  }

  /** Called as an erasure of `user` begins, before it reads what to erase. */
  erasing(user: string): void {
    for (const ticket of this.held.get(user) ?? []) ticket.erased = true;
  }
}
