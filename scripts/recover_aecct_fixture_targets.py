"""Recover the loss targets of the AECCT fixture (../shared/fixtures/aecct-bch63-45-N2-d32/).

The fixture holds the gradients of BCE(-f, y < 0) but not y. With f the full-precision logits and h [B, n+m] the
per-token outputs before `out_fc` (read with `eccbench infer --mode fp` through two selector copies of `out_fc`),
grad out_fc.weight = delta^T h with delta = dL/df = (t - sigmoid(-f)) / (B n): solve it for delta (h has full
rank 64), then t = delta B n + sigmoid(-f). Result: every t within 0.002 of 0 or 1, and the syndrome of the
recovered flips equals the fixture's syndrome on every check. Writes targets.safetensors ('flipped' [B, n]),
copied into Tests/TestSupport/Resources/aecct-bch63-45-N2-d32/. Needs numpy and a release build of eccbench.
"""
import json,struct,numpy as np,subprocess
def read(f):
    b=open(f,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; out[k]=np.frombuffer(b[8+n+s:8+n+e],dtype=np.float32).reshape(v['shape']).copy()
    return out
def write(f,t):
    hdr={}; off=0; blobs=[]
    for k,v in t.items():
        v=np.ascontiguousarray(v,dtype=np.float32); hdr[k]={'dtype':'F32','shape':list(v.shape),'data_offsets':[off,off+v.nbytes]}; off+=v.nbytes; blobs.append(v.tobytes())
    h=json.dumps(hdr).encode(); h+=b' '*((8-len(h)%8)%8)
    open(f,'wb').write(struct.pack('<Q',len(h))+h+b''.join(blobs))
F='/work/shared/fixtures/aecct-bch63-45-N2-d32/'
W=read(F+'weights.safetensors'); io=read(F+'io.safetensors')
B=64; n=63; L=81
h=np.zeros((B,L),np.float32)
for start in (0,18):
    w=dict(W); sel=np.zeros((63,81),np.float32)
    for j in range(63): sel[j,start+j]=1
    w['out_fc.weight']=sel; w['out_fc.bias']=np.zeros(63,np.float32)
    write('w.safetensors',w)
    subprocess.run(['/work/main/.build/release/eccbench','infer','--code','/work/main/Tests/TestSupport/Resources/BCH_N63_K45.txt','--weights','w.safetensors','--inputs',F+'io.safetensors','--out','o.safetensors','--mode','fp'],check=True)
    o=read('o.safetensors')['logits']; h[:,start:start+63]=o
f=io['logits_fp']
print('check logits', np.abs(h@W['out_fc.weight'].T+W['out_fc.bias']-f).max())
G=io['grad_fp.out_fc.weight']; gb=io['grad_fp.out_fc.bias']
delta,res,rk,_=np.linalg.lstsq(h.T.astype(np.float64),G.T.astype(np.float64),rcond=None)  # [B, n]
print('rank',rk, 'bias check', np.abs(delta.sum(0)-gb).max())
sig=1/(1+np.exp(f.astype(np.float64)))  # sigma(-f)
t=delta*B*n+sig
print('t range', t.min(), t.max(), 'max dist to {0,1}', np.minimum(np.abs(t),np.abs(t-1)).max())
T=np.round(t).astype(np.float32)
print('flipped fraction', T.mean())
# consistency: syndrome of T vs given syndrome
H=io['H']; s=(H@T.T%2).T; print('syndrome match', ((1-2*s)==io['syndrome']).mean())
write('targets.safetensors',{'flipped':T})
