/**
 * The example's schema (zod 4, a Standard Schema): the server validates every
 * client write with it and the browser's model checks its own writes before
 * sending them. The same object gives the document types.
 */
import { z } from 'zod';

/** Validators per collection, for `createServer({ schema })` and `createModel({ schema })`. */
export const schema = {
  todos: z.object({
    id: z.string(),
    listId: z.string(),
    title: z.string().min(1).max(1000),
    done: z.boolean(),
    createdAt: z.number(),
    /** Who added it (todos from before owners existed have none). */
    owner: z.string().optional(),
  }),
  lists: z.object({
    id: z.string().optional(),
    order: z.array(z.string()),
  }),
};
