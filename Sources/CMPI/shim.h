// Open MPI through functions Swift can call: MPI's handles (MPI_COMM_WORLD, MPI_BYTE, …) and constants are macros of
// casts that Swift cannot import, so every call the package makes is a small inline function over MPI_COMM_WORLD.
// Every function returns MPI's error code (MPI_SUCCESS = 0); the default handler (errors are fatal) ends the job first.
#include <mpi.h>
#include <stdint.h>

/// MPI_Init_thread asking for MPI_THREAD_SERIALIZED (calls come from one thread at a time); `provided` is the level.
static inline int eccb_mpi_init(int *provided) {
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static inline int eccb_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int eccb_mpi_finalized(void) {
    int flag = 0;
    MPI_Finalized(&flag);
    return flag;
}
static inline int eccb_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }
static inline int eccb_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }
static inline int eccb_mpi_finalize(void) { return MPI_Finalize(); }
static inline int eccb_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static inline int eccb_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// Every rank's `count` bytes, concatenated in rank order into `out` (size × count bytes).
static inline int eccb_mpi_allgather_bytes(const void *in, int count, void *out) {
    return MPI_Allgather(in, count, MPI_BYTE, out, count, MPI_BYTE, MPI_COMM_WORLD);
}
/// Every rank's part (counts[r] bytes at displacements[r]), gathered in place into `buffer` on every rank.
static inline int eccb_mpi_allgatherv_bytes_in_place(void *buffer, const int *counts, const int *displacements) {
    return MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buffer, counts, displacements, MPI_BYTE,
                          MPI_COMM_WORLD);
}
/// The same for floats (counts and displacements in floats).
static inline int eccb_mpi_allgatherv_floats_in_place(float *buffer, const int *counts, const int *displacements) {
    return MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buffer, counts, displacements, MPI_FLOAT,
                          MPI_COMM_WORLD);
}
/// Exact sums of 64-bit integers over the ranks, in place.
static inline int eccb_mpi_allreduce_sum_int64(int64_t *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
}
/// Personalised exchange of floats: rank r sends sendCounts[q] floats at sendOffsets[q] to each rank q and receives
/// receiveCounts[q] floats from each rank q at receiveOffsets[q].
static inline int eccb_mpi_alltoallv_floats(const float *send, const int *sendCounts, const int *sendOffsets,
                                            float *receive, const int *receiveCounts, const int *receiveOffsets) {
    return MPI_Alltoallv(send, sendCounts, sendOffsets, MPI_FLOAT, receive, receiveCounts, receiveOffsets, MPI_FLOAT,
                         MPI_COMM_WORLD);
}
