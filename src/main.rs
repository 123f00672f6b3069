//! The `chartroom` binary: everything lives in the library; see `chartroom::cli`.

fn main() -> std::process::ExitCode {
    chartroom::cli::main()
}
