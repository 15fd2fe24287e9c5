/**
 * The ceiling of the `api` benchmark: a bare Fastify (the project's version) with one GET
 * route answering a stored 2 KB Buffer, no hooks, no log, in its own process, driven the same
 * way as the API (api.bench.ts). What it reaches is what any Fastify service on this machine
 * reaches with this load generator: the API's figures are read against it. Answers "cpu"
 * messages with its CPU time (microseconds), like api-server.ts.
 */
import Fastify from 'fastify';
import { serveBenchChild } from './serverChild.js';

const bytes = Buffer.alloc(2048, 'x');
const app = Fastify();
app.get('/v1/talents/:id/recommendations', (_req, reply) => void reply.type('application/json; charset=utf-8').send(bytes));
await serveBenchChild(app);
