module github.com/svm-vm/svm/bindings/go

go 1.19
