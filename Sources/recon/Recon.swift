import ArgumentParser
import CSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct Recon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recon",
        abstract: "Reconcile payment-provider settlement files against the payments you created.",
        discussion: """
            Exit codes: 0 reconciled with no discrepancies, 1 discrepancies or rejected records \
            found, 64 usage error, 65 input data unusable (--strict), 74 I/O error, 75 the store \
            held by another run longer than RECON_STORE_WAIT_SECONDS (600): try again later.
            """,
        version: "0.1.0",
        subcommands: [
            ReconcileCommand.self, InspectCommand.self, NormalizeCommand.self, ImportCommand.self,
            RunCommand.self, RunsCommand.self, ReportCommand.self, ExceptionsCommand.self, AuditCommand.self,
            ProvidersCommand.self,
        ])

    static func main() {
        // a closed stdout pipe (`recon normalize x | head`) ends quietly, not with a signal
        signal(SIGPIPE, SIG_IGN)
        recon_keep_freed_memory()  // see support.h: halves the kernel time of a large run
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
