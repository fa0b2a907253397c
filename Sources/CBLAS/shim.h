#include <cblas.h>
// Debian's libopenblas also exports LAPACK's Fortran symbols; declare the ones we use here.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/// LAPACK symmetric eigensolver (divide and conquer), single precision, column-major.
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w, float *work,
             const int *lwork, int *iwork, const int *liwork, int *info);
