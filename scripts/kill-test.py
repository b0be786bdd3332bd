#!/usr/bin/env python3
"""Kill test for the store: imports and runs are killed (SIGKILL) at random moments, then the
store is checked and the night rerun; its findings must equal those of an uninterrupted night.

  python3 scripts/kill-test.py [--recon .build/debug/recon] [--n 20000] [--trials 20]

Each trial starts from a new store and kills `recon import payments`, `recon reconcile --store`
or the nightly `recon run` (which does both) after a random delay up to the uninterrupted
duration. After the kill:
SQLite's integrity check passes, the store holds all of the import or none of it and at most
one run, and rerunning the night (import, then reconcile) gives byte-identical findings.
With --postgres URL the trials run on PostgreSQL (a new database each), checked the same way
against the findings of the night on SQLite.
"""
import argparse, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def data(n, cache):
    d = os.path.join(cache, "data", f"n{n}-s7")
    if not os.path.exists(os.path.join(d, "meta.json")):
        subprocess.run([sys.executable, os.path.join(ROOT, "..", "shared", "bench", "gen.py"), str(n), d,
                        "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(d, "created.jsonl"), os.path.join(d, "settlement.csv.gz")


def night(recon, store, payments, settlement, out):
    """The uninterrupted night: import the payments, then reconcile the settlement."""
    subprocess.run([recon, "import", "payments", payments, "--store", store], check=True, stdout=subprocess.DEVNULL)
    p = subprocess.run([recon, "reconcile", "--store", store, "--settlement", settlement, "--out", out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert p.returncode in (0, 1), p.stderr
    return p.stderr


def run_config(work, name, store, payments, settlement):
    """A nightly config doing the same night as `night` in one `recon run`."""
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(f"store: {store}\nout: {os.path.join(work, name)}\npayments: [{payments}]\n"
                f"settlement: [{settlement}]\nmax_discrepancies: 1000000000\n")
    return [path, os.path.join(work, name)]


def run_night(recon, config):
    p = subprocess.run([recon, "run", "--config", config, "--date", "2030-01-01"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert p.returncode in (0, 1), p.stderr


def findings(out):
    return {name: open(os.path.join(out, name), "rb").read()
            for name in ("discrepancies.csv", "in_transit.csv", "rejects.csv")}


def psql(url, sql):
    """One query's rows on a PostgreSQL store, through psql (no Python driver needed)."""
    out = subprocess.run(["psql", "-X", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("|")) for line in out.splitlines()]


def check_postgres(url):
    """The same checks on PostgreSQL: the import is all or none, at most one run (a transaction
    the killed client did not commit is rolled back by the server)."""
    if not psql(url, "SELECT 1 FROM pg_tables WHERE tablename = 'payments'"):
        return []
    (payments,), = psql(url, "SELECT count(*) FROM payments")
    imports, = psql(url, "SELECT count(*), coalesce(sum(added), 0) FROM imports WHERE side = 'payments'")
    (runs,), = psql(url, "SELECT count(*) FROM runs")
    (closed,), = psql(url, "SELECT count(*) FROM payment_closures")
    problems = []
    if payments not in (0, imports[1]) or imports[0] > 1:
        problems.append(f"a partial import: {payments} payments, imports {imports}")
    if runs > 1 or (runs == 0 and closed > 0):
        problems.append(f"a partial run: {runs} runs, {closed} payments closed")
    return problems


def check_store(store, n):
    if "://" in store:
        return check_postgres(store)
    db = sqlite3.connect(store)
    problems = []
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity check failed")
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'payments'").fetchone():
        # killed while the store was being created: the migration rolled back, nothing is half made
        if db.execute("PRAGMA user_version").fetchone()[0] != 0:
            problems.append("a schema version without its tables")
        db.close()
        return problems
    payments = db.execute("SELECT count(*) FROM payments").fetchone()[0]
    imports = db.execute("SELECT count(*), coalesce(sum(added), 0) FROM imports WHERE side = 'payments'").fetchone()
    runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    closed = db.execute("SELECT count(*) FROM payment_closures").fetchone()[0]
    if payments not in (0, imports[1]) or imports[0] > 1:
        problems.append(f"a partial import: {payments} payments, imports {imports}")
    if runs > 1 or (runs == 0 and closed > 0):
        problems.append(f"a partial run: {runs} runs, {closed} payments closed")
    db.close()
    return problems


def concurrent(recon, work, payments, settlement):
    """Two runs started at once on one store: one waits for the other, and no payment is matched
    twice (every payment is closed by exactly one run; the second run matches none of them)."""
    store = os.path.join(work, "concurrent.sqlite")
    subprocess.run([recon, "import", "payments", payments, "--store", store], check=True, stdout=subprocess.DEVNULL)
    runs = [subprocess.Popen([recon, "reconcile", "--store", store, "--settlement", settlement, "--out",
                              os.path.join(work, f"c{k}")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True) for k in range(2)]
    errors = [p.communicate()[1] for p in runs]
    db = sqlite3.connect(store)
    matched = [m for (m,) in db.execute("SELECT matched FROM runs ORDER BY id")]
    closed = db.execute("SELECT count(*) FROM payment_closures").fetchone()[0]
    db.close()
    problems = []
    if len(matched) != 2 or matched[1] != 0:
        problems.append(f"runs matched {matched}: the second run matched payments again")
    if not any("waiting" in e for e in errors):
        problems.append("neither run said it waited")
    print(f"concurrent runs: matched {matched}, {closed} payments closed once: "
          + ("ok" if not problems else "FAILED: " + "; ".join(problems)))
    return 1 if problems else 0


def saved_runs(store):
    if "://" in store:
        if not psql(store, "SELECT 1 FROM pg_tables WHERE tablename = 'runs'"):
            return 0
        return psql(store, "SELECT count(*) FROM runs")[0][0]
    db = sqlite3.connect(store)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
            return 0
        return db.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        db.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recon", default=os.path.join(ROOT, ".build", "debug", "recon"))
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/recon-bench"))
    ap.add_argument("--postgres", metavar="URL",
                    help="run the trials on PostgreSQL: a new database per trial on this server")
    args = ap.parse_args()
    random.seed(args.seed)
    payments, settlement = data(args.n, args.cache)
    work = tempfile.mkdtemp(prefix="recon-kill-")
    try:
        start = time.monotonic()
        night(args.recon, os.path.join(work, "ref.sqlite"), payments, settlement, os.path.join(work, "ref"))
        duration = time.monotonic() - start
        reference = findings(os.path.join(work, "ref"))
        config, out = run_config(work, "run-ref", os.path.join(work, "run-ref.sqlite"), payments, settlement)
        run_night(args.recon, config)
        run_reference = findings(out)
        failures = 0
        for trial in range(args.trials):
            store = os.path.join(work, f"t{trial}.sqlite")
            if args.postgres:
                database = f"recon_kill_{os.getpid()}_{trial}"
                psql(args.postgres, f"CREATE DATABASE {database}")
                store = args.postgres.rsplit("/", 1)[0] + "/" + database
            out = os.path.join(work, f"t{trial}")
            target = random.choice(["import", "reconcile", "run"])
            if target == "run":
                config, out = run_config(work, f"t{trial}", store, payments, settlement)
                cmd = [args.recon, "run", "--config", config, "--date", "2030-01-01"]
            elif target == "import":
                cmd = [args.recon, "import", "payments", payments, "--store", store]
            else:
                subprocess.run([args.recon, "import", "payments", payments, "--store", store], check=True,
                               stdout=subprocess.DEVNULL)
                cmd = [args.recon, "reconcile", "--store", store, "--settlement", settlement, "--out", out + "-killed"]
            delay = random.uniform(0, duration * 0.8)
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            killed = p.poll() is None
            if killed:
                p.send_signal(signal.SIGKILL)
            p.wait()
            problems = check_store(store, args.n)
            if target == "run":
                # a committed run wrote its reports before saving; otherwise the night is run again
                if saved_runs(store) == 0:
                    run_night(args.recon, config)
            elif target == "reconcile" and saved_runs(store) == 1:
                # the run committed (perhaps killed on its way out): that was the night, and its
                # reports are complete; rerunning would be the next night
                out += "-killed"
            else:
                night(args.recon, store, payments, settlement, out)
            if findings(out) != (run_reference if target == "run" else reference):
                problems.append("the rerun's findings differ from an uninterrupted night's")
            status = "ok" if not problems else "FAILED: " + "; ".join(problems)
            what = f"killed {target} after {delay:.2f} s" if killed else f"{target} finished before the kill"
            print(f"trial {trial + 1}: {what}: {status}", flush=True)
            failures += bool(problems)
        where = "PostgreSQL" if args.postgres else "SQLite"
        print(f"kill test on {where}: {args.trials - failures} of {args.trials} trials consistent")
        if not args.postgres:
            failures += concurrent(args.recon, work, payments, settlement)
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
