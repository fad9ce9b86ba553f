/**
 * The command-line tool: `npm run cli -- <command>` (`npm run cli -- help` lists them).
 * Each capability's commands are registered by the modules imported below.
 */
import dotenv from "dotenv";
import "./db-commands.js";
import "./directory-commands.js";
import "./plan-commands.js";
import "./statistics-commands.js";
import { runCli } from "./run.js";

dotenv.config({ quiet: true });

process.exitCode = await runCli(process.argv.slice(2));
