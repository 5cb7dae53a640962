// Open MPI start-up, the set-up agreement and the job's exit: the only place (with the reducer) that calls MPI.
#include "cmd/run/mpi_world.hpp"

#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <iostream>

#include "core/error.hpp"

namespace trainctl {

namespace {
bool g_active = false;
bool g_agreed = false;       // mpi_agree_setup ran
bool g_exit_agreed = false;  // every rank leaves with the same code
int g_rank = 0, g_size = 1, g_local_size = 1;
int g_error_fd = 2;  // stderr as it was: ranks > 0 print their own error here, nothing else

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    return *end == '\0' && n > 0 && n < INT_MAX ? static_cast<int>(n) : fallback;
}

void print_error_line(const std::string& line) {
    if (g_rank == 0) {
        std::cerr << line << std::flush;
        return;
    }
    for (std::size_t done = 0; done < line.size();) {
        const ssize_t n = ::write(g_error_fd, line.data() + done, line.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
}

std::string rank_error_line(const std::string& message) {
    return "trainctl: error: rank " + std::to_string(g_rank) + ": " + message + "\n";
}
}  // namespace

// mpirun sets OMPI_COMM_WORLD_SIZE; a PMIx launcher (srun --mpi=pmix, the MPI Operator's) PMIX_RANK.
bool launched_by_mpirun() { return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr; }

void mpi_start(int& argc, char**& argv) {
    if (g_active || !launched_by_mpirun()) return;
    int provided = 0;
    // Only the main thread calls MPI (the engine's threads and the checkpoint writer never do).
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        std::cerr << "trainctl: error: MPI_Init_thread failed (launched by mpirun: OMPI_COMM_WORLD_SIZE is set)\n";
        std::_Exit(kExitError);
    }
    g_active = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    // The ranks on this host: those that can share memory with this one.
    MPI_Comm local;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &local) == MPI_SUCCESS) {
        MPI_Comm_size(local, &g_local_size);
        MPI_Comm_free(&local);
    } else {
        g_local_size = env_int("OMPI_COMM_WORLD_LOCAL_SIZE", 1);
    }
    if (g_rank == 0) return;
    g_error_fd = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (g_error_fd < 0) g_error_fd = 2;
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) {
        ::dup2(null_fd, 1);
        ::dup2(null_fd, 2);
        ::close(null_fd);
    }
}

bool mpi_active() { return g_active; }
int mpi_rank() { return g_rank; }
int mpi_size() { return g_size; }
int mpi_local_size() { return g_local_size; }

namespace {
// MIN over ranks of rank * 256 + code for a failed rank, INT_MAX for a rank that is fine.
int agree(int code) {
    g_agreed = true;
    int mine = code == 0 ? INT_MAX : g_rank * 256 + (code & 255), lowest = INT_MAX;
    MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return lowest;
}
}  // namespace

void mpi_agree_setup() {
    if (!g_active || g_agreed) return;
    const int lowest = agree(0);
    if (lowest == INT_MAX) return;
    g_exit_agreed = true;  // another rank failed and says so; this one leaves quietly with its code
    throw Error("", lowest % 256);
}

void mpi_exit_agreed() { g_exit_agreed = true; }
bool mpi_exit_is_agreed() { return g_exit_agreed; }

bool mpi_same_everywhere(std::uint64_t value) {
    if (!g_active) return true;
    std::uint64_t low = 0, high = 0;
    MPI_Allreduce(&value, &low, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&value, &high, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    return low == high;
}

std::uint64_t mpi_min(std::uint64_t value) {
    if (!g_active) return value;
    std::uint64_t low = value;
    MPI_Allreduce(&value, &low, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    return low;
}

int mpi_finish(const std::string& message, int code) {
    if (!g_active) {
        if (!message.empty()) std::cerr << "trainctl: error: " << message << "\n";
        return code;
    }
    if (!g_agreed) {
        const int lowest = agree(code);
        if (lowest != INT_MAX) {
            if (lowest / 256 == g_rank && !message.empty()) print_error_line(rank_error_line(message));
            code = lowest % 256;
        }
    } else if (code != 0 && !g_exit_agreed) {
        // This rank alone failed mid-run: the others wait in a collective call, so the job ends here.
        if (!message.empty()) print_error_line(rank_error_line(message));
        MPI_Abort(MPI_COMM_WORLD, code);
    } else if (!message.empty() && g_rank == 0) {
        std::cerr << "trainctl: error: " << message << "\n";
    }
    MPI_Finalize();
    g_active = false;
    return code;
}

}  // namespace trainctl
