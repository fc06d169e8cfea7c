package svm

// #include "svm.h"
import "C"

// TxIdOf is the id of a transaction (what its Context must carry), computed by svm.
func TxIdOf(env *Envelope, verifydata, msg []byte) (TxId, error) {
	cenv := cEnvelope(env)
	var out C.svm_bytes32_t
	if err := takeError(C.svm_tx_id(&cenv, bytesPtr(verifydata), C.size_t(len(verifydata)), bytesPtr(msg), C.size_t(len(msg)), &out)); err != nil {
		return TxId{}, err
	}
	return TxId(goBytes32(out)), nil
}

// SigningHash is the hash a transaction's signature signs on chain chainID: it covers the
// envelope and the message, not the verifydata that carries the signature.
func SigningHash(chainID [32]byte, env *Envelope, msg []byte) ([32]byte, error) {
	cchain, cenv := cBytes32(chainID), cEnvelope(env)
	var out C.svm_bytes32_t
	if err := takeError(C.svm_signing_hash(&cchain, &cenv, bytesPtr(msg), C.size_t(len(msg)), &out)); err != nil {
		return [32]byte{}, err
	}
	return goBytes32(out), nil
}

// SelfSpawnAddr is the address at which a spawn message's account spawns itself: fund it,
// then send the spawn with it as the principal, authorised by the new wallet's svm_verify.
func SelfSpawnAddr(spawnMsg []byte) (Address, error) {
	var out C.svm_address_t
	if err := takeError(C.svm_self_spawn_addr(bytesPtr(spawnMsg), C.size_t(len(spawnMsg)), &out)); err != nil {
		return Address{}, err
	}
	return goAddress(out), nil
}
