/* vmon-vars: what its two source files and its library share. */
#ifndef VMON_VARS_H
#define VMON_VARS_H

/* Set and print the variables of vmon-vars2.c and of libvmonvars.so. */
void vars2_report(void);
void vars_lib_report(void);

#endif /* VMON_VARS_H */
