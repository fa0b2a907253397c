#include <cblas.h>
// Debian's libopenblas also exports LAPACK's Fortran symbols; declare the ones we use here.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
