import type { MessageRecord } from '../store/records.js';

/** How many messages are remembered; the oldest is forgotten first. */
const CAPACITY = 8_192;

/**
 * Messages as this engine last wrote them, for the receipt that usually follows a send: applying it then needs no
 * read of the message. Only ever a guess: every change is a compare-and-set on the message version, so a copy
 * that is out of date (another process or a cancel changed the message since) makes the change fail and the
 * receipt is applied again from a fresh read.
 */
export class RecentMessages {
  private readonly byId = new Map<string, MessageRecord>();

  constructor(private readonly capacity = CAPACITY) {}

  remember(message: MessageRecord): void {
    this.byId.delete(message.id);
    this.byId.set(message.id, message);
    if (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value!);
  }

  /** The remembered copy, forgotten as it is handed out (the receipt's change makes it out of date). */
  take(id: string): MessageRecord | undefined {
    const message = this.byId.get(id);
    if (message) this.byId.delete(id);
    return message;
  }

  get size(): number {
    return this.byId.size;
  }
}
