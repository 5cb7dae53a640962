// The process's place in an Open MPI job (detected from mpirun's environment); core/ knows no MPI.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace trainctl {

// True when Open MPI's mpirun (OMPI_COMM_WORLD_SIZE) or a PMIx launcher such as srun --mpi=pmix
// (PMIX_RANK) started this process: only then is MPI initialised.
bool launched_by_mpirun();

// Initialises MPI when launched by mpirun (once; a plain run does nothing). Ranks other than 0 then
// print nothing: their stdout and stderr go to /dev/null, errors are written by mpi_finish().
void mpi_start(int& argc, char**& argv);
bool mpi_active();             // MPI_Init was called
int mpi_rank();                // 0 in a plain run
int mpi_size();                // 1 in a plain run
inline bool mpi_writer() { return mpi_rank() == 0; }  // the rank that prints and writes files
int mpi_local_size();          // ranks on this host (1 in a plain run)

// All ranks agree the set-up went well before their first collective call (every rank calls it
// once, a failing rank from mpi_finish): the lowest failing rank's error stands for the job.
// Throws Error (empty message, the agreed code) on the ranks that did not fail themselves.
void mpi_agree_setup();

// From here on all ranks leave together with the same code (a stop or a divergence agreed in the
// step's allreduce): an error then is not one rank's failure, and aborts nothing.
void mpi_exit_agreed();
bool mpi_exit_is_agreed();  // mpi_exit_agreed() was called (or the set-up agreement failed)

// True when `value` is the same on every rank (a collective call; true in a plain run).
bool mpi_same_everywhere(std::uint64_t value);

// The smallest `value` over the ranks (a collective call; `value` in a plain run).
std::uint64_t mpi_min(std::uint64_t value);

// The command's end: prints `message` once (with "rank K: " under MPI) and returns the exit code.
// An error on one rank after the set-up agreement aborts the job (MPI_Abort with its code).
int mpi_finish(const std::string& message, int code);

}  // namespace trainctl
