package policy

// AddToRegister lets the tests of package policy_test add register
// documents one at a time, as UpdateBase does.
var AddToRegister = addToRegister
